// Commands from every surface enter here: explicit action lists and sentences. Each is recorded as an event first, so
// its plan and results link back to it in the timeline. MQTT's `{command_type, payload}` shape is read here too.
import type { ActionExecutor } from '../actions/types';
import { actionListSchema, createAjv, describeAjvErrors } from '../util/schema';
import type { EventIngest } from '../bus/ingest';
import { InputRejected } from '../bus/mqtt';
import type { ActionRequest, ActionResult, JsonObject, Origin } from '../types';
import type { ConversationPipeline } from './pipeline';
import { textTurnProperties, type Turn, type TurnReply } from './turn';

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

const textPayloadSchema = { type: 'object', required: ['text'], properties: textTurnProperties } as const;

export interface CommandsHost {
  ingest: Pick<EventIngest, 'emit'>;
  door: ActionExecutor;
  pipeline: Pick<ConversationPipeline, 'converse'>;
}

export interface ActionsOutcome {
  plan_id: string;
  results: ActionResult[];
}

export class CommandService {
  private readonly ajv = createAjv();
  private readonly validateCommand = this.ajv.compile(commandSchema);
  private readonly validateActions = this.ajv.compile(actionsPayloadSchema);
  private readonly validateText = this.ajv.compile(textPayloadSchema);

  constructor(private readonly host: CommandsHost) {}

  /**
   * A `{command_type, payload}` command (MQTT butler/in/command). Throws InputRejected on bad input. `eventId`: the id
   * its command event gets (so a redelivery of the same message is recognised, even after a restart).
   */
  async command(body: unknown, origin: Origin, eventId?: string): Promise<ActionsOutcome | TurnReply> {
    if (!this.validateCommand(body))
      throw new InputRejected(`invalid command: ${describeAjvErrors(this.validateCommand.errors).join('; ')}`);
    const cmd = body as { command_type: 'actions' | 'text'; payload: JsonObject; source?: string; correlation_id?: string | null };
    const o: Origin = cmd.source ? { ...origin, source: `${origin.source}:${cmd.source}` } : origin;
    if (cmd.command_type === 'actions') {
      if (!this.validateActions(cmd.payload))
        throw new InputRejected(`invalid actions command: ${describeAjvErrors(this.validateActions.errors, 'payload').join('; ')}`);
      const p = cmd.payload as { actions: ActionRequest[]; reason?: string };
      return this.actions(p.actions, o, { reason: p.reason, correlation_id: cmd.correlation_id ?? null, event_id: eventId });
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
      event_id: eventId,
    });
  }

  /** Explicit actions: recorded as a command event, then through the one door. */
  async actions(
    actions: ActionRequest[],
    origin: Origin,
    opts: { reason?: string; correlation_id?: string | null; event_id?: string } = {},
  ): Promise<ActionsOutcome> {
    const event = this.host.ingest.emit(
      'command.actions',
      origin.source,
      { actions: actions as unknown as JsonObject[], user: origin.user ?? null },
      0,
      opts.correlation_id ?? null,
      opts.event_id,
    );
    const outcome = await this.host.door.execute({
      actions,
      origin,
      triggered_by_event_id: event.event_id,
      reason: opts.reason ?? `${origin.source} command`,
    });
    return { plan_id: outcome.plan_id, results: outcome.results };
  }

  /** A sentence from a person, through the one conversation pipeline. */
  converse(turn: Turn): Promise<TurnReply> {
    return this.host.pipeline.converse(turn);
  }
}
