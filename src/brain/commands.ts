// Commands from every surface (API, MQTT butler/in/command, Assist, Home Assistant's "say to butler", flows) enter here.
// A command is recorded as an event first, so its plan and results link back to it in the timeline.
import { randomUUID } from 'node:crypto';
import { actionListSchema, createAjv, describeAjvErrors } from '../util/schema';
import { InputRejected, TOPICS, type MqttBridge } from '../bus/mqtt';
import type { Butler } from '../service';
import type { ActionRequest, ActionResult, JsonObject, Origin } from '../types';
import type { ImageInput } from './planner';
import { languageOf } from './intents';

export const commandSchema = {
  type: 'object',
  required: ['command_type', 'payload'],
  properties: {
    command_type: { type: 'string', enum: ['actions', 'text'] },
    payload: { type: 'object' },
    source: { type: 'string', maxLength: 128 },
    correlation_id: { type: ['string', 'null'], maxLength: 128 },
  },
} as const;

const actionsPayloadSchema = {
  type: 'object',
  required: ['actions'],
  properties: { actions: actionListSchema(), reason: { type: 'string' } },
} as const;

const textPayloadSchema = {
  type: 'object',
  required: ['text'],
  properties: {
    text: { type: 'string', minLength: 1, maxLength: 4000 },
    conversation_id: { type: ['string', 'null'], maxLength: 128 },
    language: { type: 'string', maxLength: 16 },
  },
} as const;

export interface ConversationRequest {
  text: string;
  /** Pictures to look at (vision): only the planner can use them. */
  images?: ImageInput[];
  origin: Origin;
  conversation_id?: string | null;
  language?: string;
  correlation_id?: string | null;
}

export interface ConversationReply {
  reply: string;
  conversation_id: string;
  handled: boolean;
  plan_id: string | null;
  results: ActionResult[];
  language: string;
  /** offline understanding, planner, flow, confirmation */
  answered_by: string;
}

/** The stages that may answer a conversation, tried in order; null means "not mine". */
export type ConversationStage = (
  req: ConversationRequest & { conversation_id: string; language: string; event_id: string },
) => Promise<ConversationReply | null>;

const YES = /^(yes|yeah|yep|sure|ok|okay|do it|confirm|approve|go ahead|是|是的|好|好的|确认|可以|对)[.!。！]?$/i;
const NO = /^(no|nope|cancel|deny|don't|do not|stop|不|不要|取消|算了|拒绝)[.!。！]?$/i;

export class CommandService {
  private readonly ajv = createAjv();
  private readonly validateCommand = this.ajv.compile(commandSchema);
  private readonly validateActions = this.ajv.compile(actionsPayloadSchema);
  private readonly validateText = this.ajv.compile(textPayloadSchema);
  private readonly stages: { name: string; stage: ConversationStage }[] = [];

  constructor(private readonly butler: Butler) {}

  /** Adds a stage that may answer conversations (flows first, then offline understanding, then the planner). */
  addStage(name: string, stage: ConversationStage, position: 'first' | 'last' = 'last'): void {
    if (position === 'first') this.stages.unshift({ name, stage });
    else this.stages.push({ name, stage });
  }

  attachMqtt(mqtt: MqttBridge): void {
    mqtt.handle(TOPICS.inEvent, (_topic, body) => {
      try {
        this.butler.ingest.accept(body, 'mqtt');
      } catch (err) {
        throw new InputRejected((err as Error).message);
      }
    });
    mqtt.handle(TOPICS.inCommand, async (_topic, body) => {
      const origin: Origin = { source: 'mqtt', trusted: this.butler.options.mqtt_trusted };
      const out = await this.command(body, origin);
      if ('reply' in out)
        mqtt.publishJson(TOPICS.outReply, { ...out, correlation_id: (body as { correlation_id?: string }).correlation_id ?? null });
    });
  }

  /** A `{command_type, payload}` command from MQTT (or the same shape from elsewhere). Throws InputRejected on bad input. */
  async command(body: unknown, origin: Origin): Promise<{ plan_id: string; results: ActionResult[] } | ConversationReply> {
    if (!this.validateCommand(body))
      throw new InputRejected(`invalid command: ${describeAjvErrors(this.validateCommand.errors).join('; ')}`);
    const cmd = body as { command_type: 'actions' | 'text'; payload: JsonObject; source?: string; correlation_id?: string | null };
    const o: Origin = cmd.source ? { ...origin, source: `${origin.source}:${cmd.source}` } : origin;
    if (cmd.command_type === 'actions') {
      if (!this.validateActions(cmd.payload))
        throw new InputRejected(`invalid actions command: ${describeAjvErrors(this.validateActions.errors, 'payload').join('; ')}`);
      const p = cmd.payload as { actions: ActionRequest[]; reason?: string };
      return this.actions(p.actions, o, { reason: p.reason, correlation_id: cmd.correlation_id ?? null });
    }
    if (!this.validateText(cmd.payload))
      throw new InputRejected(`invalid text command: ${describeAjvErrors(this.validateText.errors, 'payload').join('; ')}`);
    const p = cmd.payload as { text: string; conversation_id?: string | null; language?: string };
    return this.converse({
      text: p.text,
      origin: o,
      conversation_id: p.conversation_id,
      language: p.language,
      correlation_id: cmd.correlation_id ?? null,
    });
  }

  /** Explicit actions: recorded as a command event, then through the one door. */
  async actions(
    actions: ActionRequest[],
    origin: Origin,
    opts: { reason?: string; correlation_id?: string | null } = {},
  ): Promise<{ plan_id: string; results: ActionResult[] }> {
    const event = this.butler.ingest.emit(
      'command.actions',
      origin.source,
      { actions: actions as unknown as JsonObject[], user: origin.user ?? null },
      0,
      opts.correlation_id ?? null,
    );
    const outcome = await this.butler.door.execute({
      actions,
      origin,
      triggered_by_event_id: event.event_id,
      reason: opts.reason ?? `${origin.source} command`,
    });
    return { plan_id: outcome.plan_id, results: outcome.results };
  }

  /** A sentence from a person: confirmation answers first, then each stage in turn. */
  async converse(req: ConversationRequest): Promise<ConversationReply> {
    const conversation_id = req.conversation_id || randomUUID();
    const language = languageOf(req.language, req.text);
    const origin: Origin = { ...req.origin, conversation_id };
    const event = this.butler.ingest.emit(
      'command.text',
      origin.source,
      { text: req.text, conversation_id, language, user: origin.user ?? null },
      0,
      req.correlation_id ?? null,
    );

    const confirmation = await this.answerConfirmation(req.text.trim(), conversation_id, language, origin);
    if (confirmation) return confirmation;

    for (const { name, stage } of this.stages) {
      try {
        const reply = await stage({ ...req, origin, conversation_id, language, event_id: event.event_id });
        if (reply) return reply;
      } catch (err) {
        this.butler.log.error({ err, stage: name }, 'conversation stage failed');
      }
    }
    return {
      reply: language === 'zh-cn' ? '抱歉，我没听懂。' : "Sorry, I didn't understand that.",
      conversation_id,
      handled: false,
      plan_id: null,
      results: [],
      language,
      answered_by: 'none',
    };
  }

  /** "yes"/"no" in a conversation with a pending confirmation decides it. */
  private async answerConfirmation(
    text: string,
    conversation_id: string,
    language: string,
    origin: Origin,
  ): Promise<ConversationReply | null> {
    const yes = YES.test(text);
    if (!yes && !NO.test(text)) return null;
    const pending = this.butler.confirmations.pendingForConversation(conversation_id);
    if (!pending) return null;
    if (!origin.trusted) {
      // Whoever asked from an untrusted channel cannot also approve: that would make confirmation meaningless.
      const reply =
        language === 'zh-cn' ? '这需要家里受信任的人在面板上批准。' : 'That needs approval from a trusted person in the Butler panel.';
      return { reply, conversation_id, handled: true, plan_id: pending.plan_id, results: [], language, answered_by: 'confirmation' };
    }
    const { result } = await this.butler.door.decide(pending.id, yes, origin.user ?? origin.source);
    const ok = result?.status === 'ok';
    const en = yes ? (ok ? `Done: ${pending.action_type}.` : `I could not do it: ${JSON.stringify(result?.output)}`) : 'Cancelled.';
    const zh = yes ? (ok ? `已完成：${pending.action_type}。` : `没能完成：${JSON.stringify(result?.output)}`) : '已取消。';
    return {
      reply: language === 'zh-cn' ? zh : en,
      conversation_id,
      handled: true,
      plan_id: pending.plan_id,
      results: result ? [result] : [],
      language,
      answered_by: 'confirmation',
    };
  }
}
