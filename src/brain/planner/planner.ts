// The LLM planner: Claude with native tool use, one tool per registered action. The planner never runs
// a handler: every tool call is validated against the registry, then handed to the one door
// (ActionExecutor), whose policy decides. Results go back to the model as tool_result blocks.
import { createHash, randomUUID } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../log';
import { ParamsError, type ActionRegistry } from '../../actions/registry';
import type { ActionExecutor } from '../../actions/types';
import type {
  ActionRequest,
  ActionResult,
  ConversationStore,
  JsonObject,
  Origin,
  PlannerActivity,
  PlannerOutcome,
  StoredTurn,
} from '../../types';
import { buildSystem, buildTools, historyMessages, renderHome, userText, wrapUntrusted } from './prompt';
import {
  emptyUsage,
  PlannerInputError,
  type ConverseRequest,
  type HomeContext,
  type ImageInput,
  type PlannerFallback,
  type PlannerReply,
  type PlannerStats,
  type RejectedCall,
  type TokenUsage,
} from './types';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;
type ToolResultBlockParam = Anthropic.Messages.ToolResultBlockParam;
type ToolUseBlock = Anthropic.Messages.ToolUseBlock;
type Message = Anthropic.Messages.Message;

export interface PlannerOptions {
  apiKey?: string;
  baseURL?: string;
  model: string;
  registry: ActionRegistry;
  executor: ActionExecutor;
  /** The home as the model should see it for this request (the request picks relevant memories). */
  home: (req: ConverseRequest) => HomeContext;
  conversations: ConversationStore;
  log: Logger;
  /** Most actions one request may cause, across all its model turns (default 6). */
  maxActions?: number;
  /** Most model calls per request (default 5). */
  maxTurns?: number;
  /** Plan cache: LRU max entries and TTL (default 128, 30 s). max 0 disables it. */
  cache?: { max: number; ttlMs: number };
  fallback?: PlannerFallback;
  /** Stored turns replayed as history (default 12). */
  historyTurns?: number;
  maxTokens?: number;
  /** SDK retries for 408/409/429/5xx and connection errors (default 2). */
  maxRetries?: number;
  /** Per-attempt HTTP timeout (default 30 s). */
  timeoutMs?: number;
  /** Entities listed in the prompt (default 300). */
  maxEntities?: number;
  /** Mark the tools and the static system prompt as cache breakpoints (default true; off only to measure). */
  promptCaching?: boolean;
  /**
   * The actions the person's own words imply (the offline understanding of the same sentence). A sensitive action the
   * model proposes outside them waits for a person. Without it nothing counts as asked for.
   */
  intended?: (text: string, language?: string) => ActionRequest[];
  /** Words the reply in the person's language from what happened (the conversation's replies); else plain English. */
  ground?: (g: Grounding) => string;
  /** Told when a request starts asking the model and how it ended (the planner part puts it on the bus). */
  activity?: (a: PlannerActivity) => void;
}

/** How a request ended, from its reply (a lost model mid-way counts as failed). */
export function outcomeOf(reply: PlannerReply, lostModel: boolean): PlannerOutcome {
  if (reply.offline) return 'unreachable';
  if (lostModel || reply.rejected.length || reply.results.some((r) => r.status !== 'ok' && r.status !== 'pending_confirmation'))
    return 'failed';
  if (reply.results.some((r) => r.status === 'pending_confirmation')) return 'waiting';
  return reply.results.length ? 'done' : 'answered';
}

/** Whether a request reached the model, and whether the model was lost on the way. */
interface Asking {
  started: boolean;
  lost: boolean;
  conversation_id: string;
}

/** One action the planner caused, as the reply names it. */
export interface GroundedItem {
  /** "unlock Front Door", "turn on Bed Light", "system exec". */
  what: string;
  status: ActionResult['status'];
  /** The reason it waits or was refused, or the error. */
  detail: string;
  /** The result's output, for a reply that words the failure in another language (its `code` and `args`). */
  output?: ActionResult['output'];
}

/** What the reply must say: every action and what became of it; the model's words only where they do not contradict. */
export interface Grounding {
  items: GroundedItem[];
  refused: RejectedCall[];
  /** The model's own text, or '' when it claimed something the results do not show. */
  modelText: string;
  /** True when the model's text was dropped because it claimed what did not happen. */
  dropped: boolean;
  language?: string;
}

/** Words that claim something was done ("Done.", "I've unlocked", "is open for you", "已打开"). */
const CLAIM =
  /\b(done|all set|taken care of|(i'?ve|i have|i just|i)\s+(now\s+)?(turned|switched|unlocked|opened|closed|locked|disarmed|armed|sent|set|started|ran|run|executed|scheduled|messaged|let)|unlocked|disarmed|(is|are) (now )?(open|unlocked|disarmed)( for you)?)\b|已(经)?(打开|开启|解锁|关闭|完成|发送|执行|撤防)|搞定|好了/i;

/** Whether the model's words claim an action happened. */
export function claimsAction(text: string): boolean {
  return CLAIM.test(text);
}

function words(s: string): string {
  return s.replace(/_/g, ' ').trim();
}

/** "unlock Front Door": the action in a person's words, with the entities' friendly names. */
export function describeAction(a: ActionRequest, names: ReadonlyMap<string, string>): string {
  const p = a.params ?? {};
  const t = (p.target ?? {}) as JsonObject;
  const raw = a.action_type === 'ha_call_service' ? (t.entity_id ?? (p.data as JsonObject | undefined)?.entity_id) : p.device_id;
  const ids = (Array.isArray(raw) ? raw : raw !== undefined ? [raw] : []).map(String);
  const who = ids.map((id) => names.get(id) ?? id).join(', ');
  const verb = a.action_type === 'ha_call_service' ? words(String(p.service ?? 'call')) : words(a.action_type.replace(/^device_/, ''));
  if (a.action_type === 'ha_call_service' && !who) return `${verb} (${String(p.domain)})`;
  return who ? `${verb} ${who}` : verb;
}

function detailOf(r: ActionResult): string {
  const o = r.output as { error?: unknown; reason?: unknown } | null;
  if (o && typeof o === 'object' && !Array.isArray(o)) return String(o.reason ?? o.error ?? '');
  return '';
}

/** The reply in plain English when nobody words it (tests, flows without the conversation). */
export function plainGrounding(g: Grounding): string {
  const by = (s: string) => g.items.filter((i) => i.status === s);
  const parts: string[] = [];
  if (by('ok').length)
    parts.push(
      `Done: ${by('ok')
        .map((i) => i.what)
        .join(', ')}.`,
    );
  if (by('pending_confirmation').length)
    parts.push(
      `Waiting for approval: ${by('pending_confirmation')
        .map((i) => `${i.what} (${i.detail})`)
        .join(', ')}.`,
    );
  const failed = [...by('denied'), ...by('error')];
  if (failed.length) parts.push(`Not done: ${failed.map((i) => `${i.what} (${i.detail})`).join(', ')}.`);
  if (g.refused.length) parts.push(`Refused: ${g.refused.map((r) => `${r.tool} (${r.reason})`).join(', ')}.`);
  if (g.modelText) parts.push(g.modelText);
  if (parts.length === 0) return g.dropped ? 'I have not done anything.' : 'Nothing to do.';
  return parts.join(' ');
}

interface CachedPlan {
  calls: ActionRequest[];
  reply: string;
  statuses: string[];
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const MAX_TEXT = 8000;
const MAX_IMAGES = 20;
const MAX_IMAGE_BASE64 = Math.ceil((5 * 1024 * 1024 * 4) / 3);
const MAX_TOOL_RESULT_CHARS = 4000;

function addUsage(into: TokenUsage, u: Anthropic.Messages.Usage | undefined): void {
  if (!u) return;
  into.input_tokens += u.input_tokens ?? 0;
  into.output_tokens += u.output_tokens ?? 0;
  into.cache_creation_input_tokens += u.cache_creation_input_tokens ?? 0;
  into.cache_read_input_tokens += u.cache_read_input_tokens ?? 0;
}

/** The SDK costs about 10 MB when loaded: only a butler with an API key loads it. */
let sdk: typeof Anthropic | null = null;
function loadSdk(): typeof Anthropic {
  return (sdk ??= (require('@anthropic-ai/sdk') as { default: typeof Anthropic }).default);
}

function describeError(err: unknown): string {
  if (sdk && err instanceof sdk.APIError) {
    const body = err.error as { error?: { type?: string; message?: string } } | undefined;
    const detail = body?.error?.message ?? err.message;
    return err.status ? `HTTP ${err.status}${body?.error?.type ? ` ${body.error.type}` : ''}: ${detail}` : detail;
  }
  return err instanceof Error ? err.message : String(err);
}

function textOf(message: Message): string {
  return message.content
    .filter((b): b is Anthropic.Messages.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('\n')
    .trim();
}

function resultContent(r: ActionResult): { content: string; is_error: boolean } {
  const output = JSON.stringify(r.output ?? null);
  const clipped = output.length > MAX_TOOL_RESULT_CHARS ? `${output.slice(0, MAX_TOOL_RESULT_CHARS)}…(truncated)` : output;
  if (r.status === 'pending_confirmation') {
    return {
      content: `status: pending_confirmation. A trusted person must approve this action before it runs; it has NOT happened yet. Tell the person it awaits approval; do not retry it. Details: ${clipped}`,
      is_error: false,
    };
  }
  // An output that says it is untrusted (what a camera saw, a fetched page) goes back as data, never as instructions.
  if (r.status === 'ok' && (r.output as { untrusted?: unknown } | null)?.untrusted === true)
    return { content: `status: ok. Output:\n${wrapUntrusted(clipped, r.action_type)}`, is_error: false };
  if (r.status === 'ok') return { content: `status: ok. Output: ${clipped}`, is_error: false };
  return { content: `status: ${r.status}. ${clipped}`, is_error: true };
}

/** A short reply built from results, for when the model gave none (turn limit, lost connection, cache hit with new outcomes). */
export function summarizeResults(results: ActionResult[], rejected: RejectedCall[]): string {
  const by = (s: string) => results.filter((r) => r.status === s).map((r) => r.action_type);
  const parts: string[] = [];
  if (by('ok').length) parts.push(`Done: ${by('ok').join(', ')}.`);
  if (by('pending_confirmation').length) parts.push(`Waiting for a trusted person to approve: ${by('pending_confirmation').join(', ')}.`);
  if (by('denied').length) parts.push(`Not allowed: ${by('denied').join(', ')}.`);
  if (by('error').length) parts.push(`Failed: ${by('error').join(', ')}.`);
  if (rejected.length) parts.push(`Refused: ${rejected.map((r) => r.tool).join(', ')}.`);
  return parts.join(' ') || 'Nothing to do.';
}

/** The assistant turn as it goes back to the API; a tool_use whose input is not an object would be refused there. */
function echoable(content: Anthropic.Messages.ContentBlock[]): ContentBlockParam[] {
  return content.map((b) => {
    if (b.type !== 'tool_use') return b as ContentBlockParam;
    const ok = typeof b.input === 'object' && b.input !== null && !Array.isArray(b.input);
    return { type: 'tool_use', id: b.id, name: b.name, input: ok ? b.input : {} };
  });
}

function checkRequest(req: ConverseRequest): void {
  if (!req || typeof req !== 'object') throw new PlannerInputError('request', 'must be an object');
  if (typeof req.text !== 'string') throw new PlannerInputError('text', 'must be a string');
  if (req.text.length > MAX_TEXT) throw new PlannerInputError('text', `is ${req.text.length} characters; at most ${MAX_TEXT}`);
  const images = req.images ?? [];
  if (!Array.isArray(images)) throw new PlannerInputError('images', 'must be an array');
  if (req.text.trim() === '' && images.length === 0) throw new PlannerInputError('text', 'is empty and no image was given');
  if (images.length > MAX_IMAGES) throw new PlannerInputError('images', `${images.length} given; at most ${MAX_IMAGES}`);
  images.forEach((img, i) => {
    if (!img || !IMAGE_TYPES.has(img.media_type))
      throw new PlannerInputError(`images[${i}].media_type`, `must be one of ${[...IMAGE_TYPES].join(', ')}`);
    if (typeof img.data_base64 !== 'string' || img.data_base64.length === 0 || !/^[A-Za-z0-9+/]+=*$/.test(img.data_base64)) {
      throw new PlannerInputError(`images[${i}].data_base64`, 'must be non-empty base64 (no data: prefix, no line breaks)');
    }
    if (img.data_base64.length > MAX_IMAGE_BASE64) throw new PlannerInputError(`images[${i}].data_base64`, 'image is larger than 5 MB');
  });
  if (!req.origin || typeof req.origin.source !== 'string' || typeof req.origin.trusted !== 'boolean') {
    throw new PlannerInputError('origin', 'must have a string source and a boolean trusted');
  }
  if (req.conversation_id != null && (typeof req.conversation_id !== 'string' || req.conversation_id.length > 200)) {
    throw new PlannerInputError('conversation_id', 'must be a string of at most 200 characters');
  }
}

export class Planner {
  private readonly client: Anthropic | null;
  private readonly cache: LRUCache<string, CachedPlan> | null;
  private tools: Anthropic.Messages.Tool[] | null = null;
  private toolsVersion = 0;
  private attempts = 0;
  private readonly unsubscribe: () => void;
  private readonly counters: PlannerStats = {
    requests: 0,
    errors: 0,
    retries: 0,
    offline_replies: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    plan_cache_hits: 0,
    plan_cache_misses: 0,
    rejected_tool_calls: 0,
    actions: 0,
  };

  constructor(private readonly opts: PlannerOptions) {
    const countingFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      this.attempts += 1;
      return fetch(input, init);
    };
    const Sdk = opts.apiKey ? loadSdk() : null;
    this.client = Sdk
      ? new Sdk({
          apiKey: opts.apiKey,
          baseURL: opts.baseURL,
          maxRetries: opts.maxRetries ?? 2,
          timeout: opts.timeoutMs ?? 30_000,
          fetch: countingFetch,
        })
      : null;
    const cacheOpts = opts.cache ?? { max: 128, ttlMs: 30_000 };
    this.cache = cacheOpts.max > 0 ? new LRUCache<string, CachedPlan>({ max: cacheOpts.max, ttl: cacheOpts.ttlMs }) : null;
    this.unsubscribe = opts.registry.onChange(() => {
      this.tools = null;
      this.toolsVersion += 1;
    });
  }

  /** Stops listening to the registry. */
  close(): void {
    this.unsubscribe();
  }

  stats(): PlannerStats {
    return { ...this.counters };
  }

  /** The tool list sent to the model (rebuilt after the registry changes). */
  currentTools(): Anthropic.Messages.Tool[] {
    if (!this.tools) this.tools = buildTools(this.opts.registry.list(), this.opts.promptCaching !== false);
    return this.tools;
  }

  async converse(req: ConverseRequest): Promise<PlannerReply> {
    const asking: Asking = { started: false, lost: false, conversation_id: '' };
    let reply: PlannerReply | null = null;
    try {
      reply = await this.converseOnce(req, asking);
      return reply;
    } finally {
      if (asking.started && this.opts.activity) {
        this.tell({ phase: 'done', conversation_id: asking.conversation_id, outcome: reply ? outcomeOf(reply, asking.lost) : 'failed' });
      }
    }
  }

  /** Listeners of the planner's activity never break a request. */
  private tell(a: PlannerActivity): void {
    try {
      this.opts.activity?.(a);
    } catch (err) {
      this.opts.log.warn({ err }, 'planner: an activity listener failed');
    }
  }

  private async converseOnce(req: ConverseRequest, asking: Asking): Promise<PlannerReply> {
    checkRequest(req);
    const conversationId = req.conversation_id || `conv_${randomUUID()}`;
    const untrusted = req.origin.untrusted_input === true || !req.origin.trusted;
    const origin: Origin = { ...req.origin, asked_for: req.origin.asked_for ?? this.askedFor(req) };
    const history = await this.opts.conversations.load(conversationId);
    const homeCtx = this.opts.home(req);
    const names = new Map(homeCtx.entities.map((e) => [e.entity_id, e.name]));
    const homeText = renderHome(homeCtx, { maxEntities: this.opts.maxEntities ?? 300, language: req.language });
    const userTurn: StoredTurn = { role: 'user', text: req.text, ts: Date.now() / 1000, ...(untrusted ? { untrusted: true } : {}) };

    const cacheKey = this.cache && history.length === 0 ? this.cacheKey(req, homeText, untrusted) : null;
    if (cacheKey && this.cache) {
      const hit = this.cache.get(cacheKey);
      if (hit) {
        const reply = await this.replayCached(hit, req, origin, conversationId, names);
        if (reply) {
          await this.save(conversationId, userTurn, reply);
          return reply;
        }
        this.cache.delete(cacheKey);
      }
      this.counters.plan_cache_misses += 1;
    }

    if (!this.client) return this.offline(req, conversationId, 'no API key is configured', userTurn);

    const images = req.images ?? [];
    const content: ContentBlockParam[] = [
      ...images.map(
        (img: ImageInput): ContentBlockParam => ({
          type: 'image',
          source: { type: 'base64', media_type: img.media_type, data: img.data_base64 },
        }),
      ),
    ];
    const text = userText(req.text.trim() || '(see the image)', untrusted, req.origin.source);
    content.push({ type: 'text', text });
    const messages: MessageParam[] = [...historyMessages(history, this.opts.historyTurns ?? 12), { role: 'user', content }];
    const system = buildSystem(homeText, this.opts.promptCaching !== false);
    const tools = this.currentTools();

    const usage = emptyUsage();
    const results: ActionResult[] = [];
    const planIds: string[] = [];
    const rejected: RejectedCall[] = [];
    const maxActions = this.opts.maxActions ?? 6;
    const maxTurns = this.opts.maxTurns ?? 5;
    const executed: ActionRequest[] = [];
    let actionCount = 0;
    let finalText = '';
    let finished = false;
    let lostModel: string | null = null;
    Object.assign(asking, { started: true, conversation_id: conversationId });
    this.tell({ phase: 'thinking', conversation_id: conversationId });

    for (let turn = 0; turn < maxTurns; turn++) {
      let message: Message;
      const before = this.attempts;
      try {
        this.counters.requests += 1;
        message = await this.client.messages.create({
          model: this.opts.model,
          max_tokens: this.opts.maxTokens ?? 1024,
          system,
          ...(tools.length ? { tools } : {}),
          messages,
        });
      } catch (err) {
        this.counters.errors += 1;
        this.counters.retries += Math.max(0, this.attempts - before - 1);
        const reason = describeError(err);
        this.opts.log.warn({ conversation_id: conversationId, reason, turn }, 'planner: language model request failed');
        if (turn === 0) return this.offline(req, conversationId, `the language model is unavailable (${reason})`, userTurn, usage);
        lostModel = reason;
        asking.lost = true;
        break;
      }
      this.counters.retries += Math.max(0, this.attempts - before - 1);
      addUsage(usage, message.usage);
      messages.push({ role: 'assistant', content: echoable(message.content) });
      const uses = message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
      const said = textOf(message);
      if (message.stop_reason !== 'tool_use' || uses.length === 0) {
        finalText = said || (message.stop_reason === 'refusal' ? 'I cannot help with that.' : '');
        finished = true;
        break;
      }

      const toolResults: ToolResultBlockParam[] = [];
      const accepted: { use: ToolUseBlock; action: ActionRequest }[] = [];
      for (const use of uses) {
        let reason: string | null = null;
        let params: JsonObject | null = null;
        if (actionCount >= maxActions) {
          reason = `plan limit reached: at most ${maxActions} actions per request; this call was not run`;
        } else {
          try {
            params = this.opts.registry.validate(use.name, use.input);
          } catch (err) {
            reason = err instanceof ParamsError ? err.message : `invalid call: ${(err as Error).message}`;
          }
        }
        if (reason !== null || params === null) {
          const why = reason ?? 'invalid call';
          rejected.push({ tool: use.name, reason: why });
          this.counters.rejected_tool_calls += 1;
          toolResults.push({ type: 'tool_result', tool_use_id: use.id, is_error: true, content: `rejected before execution: ${why}` });
          continue;
        }
        actionCount += 1;
        accepted.push({ use, action: { action_type: use.name, params } });
      }
      if (accepted.length) {
        try {
          const outcome = await this.opts.executor.execute({
            actions: accepted.map((a) => a.action),
            origin,
            reason: `planner: ${req.text.replace(/\s+/g, ' ').slice(0, 120)}`,
            conversation_id: conversationId,
          });
          planIds.push(outcome.plan_id);
          results.push(...outcome.results);
          this.counters.actions += accepted.length;
          executed.push(...accepted.map((a) => a.action));
          accepted.forEach((a, i) => {
            const r = outcome.results.find((x) => x.index === i) ?? outcome.results[i];
            const rc = r
              ? resultContent(r)
              : { content: 'status: error. The executor returned no result for this action.', is_error: true };
            toolResults.push({ type: 'tool_result', tool_use_id: a.use.id, ...rc });
          });
        } catch (err) {
          this.counters.errors += 1;
          this.opts.log.error({ err, conversation_id: conversationId }, 'planner: executor failed');
          for (const a of accepted) {
            toolResults.push({
              type: 'tool_result',
              tool_use_id: a.use.id,
              is_error: true,
              content: `status: error. ${(err as Error).message}`,
            });
          }
        }
      }
      // Keep the order of the tool_use blocks; the API pairs by id but people read the transcript.
      toolResults.sort((a, b) => uses.findIndex((u) => u.id === a.tool_use_id) - uses.findIndex((u) => u.id === b.tool_use_id));
      messages.push({ role: 'user', content: toolResults });
    }

    // The reply is the butler's account of what happened; the model's text may add to it, never contradict it.
    let reply = this.grounded(executed, results, rejected, finalText, names, req.language);
    if (lostModel) reply = `${reply} I lost contact with the language model (${lostModel}).`;
    else if (!finished) reply = `${reply} I stopped after ${maxTurns} steps.`;

    this.account(usage);
    const out: PlannerReply = {
      reply,
      conversation_id: conversationId,
      plan_ids: planIds,
      results,
      usage,
      cached: false,
      offline: false,
      rejected,
    };
    const clean = finished && rejected.length === 0 && results.every((r) => r.status !== 'error');
    if (cacheKey && this.cache && clean) {
      this.cache.set(cacheKey, { calls: executed, reply, statuses: results.map((r) => r.status) });
    }
    this.opts.log.info(
      { conversation_id: conversationId, plans: planIds.length, actions: results.length, rejected: rejected.length, usage, untrusted },
      'planner answered',
    );
    await this.save(conversationId, userTurn, out);
    return out;
  }

  /**
   * Asks the model for one structured answer through a single forced tool (goal decomposition). The home is in the
   * system prompt; text from outside the household is wrapped as untrusted. Null without a model; throws when the
   * model cannot be reached or does not call the tool.
   */
  async propose(
    req: ConverseRequest,
    tool: { name: string; description: string; input_schema: Record<string, unknown> },
    instructions: string,
  ): Promise<unknown | null> {
    checkRequest(req);
    if (!this.client) return null;
    const untrusted = req.origin.untrusted_input === true || !req.origin.trusted;
    const homeText = renderHome(this.opts.home(req), { maxEntities: this.opts.maxEntities ?? 300, language: req.language });
    const usage = emptyUsage();
    this.counters.requests += 1;
    let message: Message;
    try {
      message = await this.client.messages.create({
        model: this.opts.model,
        max_tokens: this.opts.maxTokens ?? 1024,
        system: [...buildSystem(homeText, this.opts.promptCaching !== false), { type: 'text', text: instructions }],
        tools: [{ ...tool, input_schema: tool.input_schema as Anthropic.Messages.Tool.InputSchema }],
        tool_choice: { type: 'tool', name: tool.name },
        messages: [{ role: 'user', content: userText(req.text.trim(), untrusted, req.origin.source) }],
      });
    } catch (err) {
      this.counters.errors += 1;
      throw new Error(`the language model is unavailable (${describeError(err)})`);
    }
    addUsage(usage, message.usage);
    this.account(usage);
    const use = message.content.find((b): b is ToolUseBlock => b.type === 'tool_use' && b.name === tool.name);
    if (!use) throw new Error(`the model did not call ${tool.name}`);
    return use.input;
  }

  /** The reply grounded in the results; the model's text is dropped when it claims what the results do not show. */
  private grounded(
    actions: ActionRequest[],
    results: ActionResult[],
    rejected: RejectedCall[],
    modelText: string,
    names: ReadonlyMap<string, string>,
    language?: string,
  ): string {
    const items = results.map((r, i) => ({
      what: describeAction(actions[i] ?? { action_type: r.action_type, params: {} }, names),
      status: r.status,
      detail: detailOf(r),
      output: r.output,
    }));
    const allOk = results.length > 0 && rejected.length === 0 && results.every((r) => r.status === 'ok');
    const dropped = modelText !== '' && claimsAction(modelText) && !allOk;
    const g: Grounding = { items, refused: rejected, modelText: dropped ? '' : modelText, dropped, language };
    return (this.opts.ground ?? plainGrounding)(g);
  }

  /**
   * What the person's own words ask for: the offline understanding of the whole sentence, else of each of its clauses
   * ("unlock the front door and tell me a joke"). Actions a scheduled task would run count too. Fails closed.
   */
  private askedFor(req: ConverseRequest): ActionRequest[] {
    const understand = this.opts.intended;
    const text = req.text.trim();
    if (!understand || !text) return [];
    const tryOne = (t: string): ActionRequest[] => {
      try {
        return understand(t, req.language);
      } catch {
        return [];
      }
    };
    let found = tryOne(text);
    if (found.length === 0) {
      const clauses = text
        .split(/[,;，；。！？!?\n]|\band then\b|\bthen\b|\band\b|然后|并且/i)
        .map((c) => c.trim())
        .filter(Boolean)
        .slice(0, 8);
      if (clauses.length > 1) found = clauses.flatMap(tryOne);
    }
    const out: ActionRequest[] = [];
    const add = (a: ActionRequest, depth: number) => {
      out.push(a);
      const inner = a.action_type === 'schedule_task' ? a.params.actions : undefined;
      if (depth < 2 && Array.isArray(inner))
        for (const x of inner) if (x && typeof x === 'object' && !Array.isArray(x)) add(x as unknown as ActionRequest, depth + 1);
    };
    for (const a of found) add(a, 0);
    return out;
  }

  private cacheKey(req: ConverseRequest, homeText: string, untrusted: boolean): string {
    const h = createHash('sha256');
    h.update(JSON.stringify([req.text.trim(), untrusted, req.language ?? '', this.toolsVersion, homeText]));
    for (const img of req.images ?? []) h.update(createHash('sha256').update(img.data_base64).digest('hex'));
    return h.digest('hex');
  }

  /** Re-runs a cached plan through the door. Returns null when the plan no longer validates (tools changed). */
  private async replayCached(
    hit: CachedPlan,
    req: ConverseRequest,
    origin: Origin,
    conversationId: string,
    names: ReadonlyMap<string, string>,
  ): Promise<PlannerReply | null> {
    let actions: ActionRequest[];
    try {
      actions = hit.calls.map((c) => ({ action_type: c.action_type, params: this.opts.registry.validate(c.action_type, c.params) }));
    } catch {
      return null;
    }
    this.counters.plan_cache_hits += 1;
    const planIds: string[] = [];
    const results: ActionResult[] = [];
    if (actions.length) {
      const outcome = await this.opts.executor.execute({
        actions,
        origin,
        reason: `planner (cached plan): ${req.text.replace(/\s+/g, ' ').slice(0, 120)}`,
        conversation_id: conversationId,
      });
      planIds.push(outcome.plan_id);
      results.push(...outcome.results);
      this.counters.actions += actions.length;
    }
    const same = results.length === hit.statuses.length && results.every((r, i) => r.status === hit.statuses[i]);
    const reply = same ? hit.reply : this.grounded(actions, results, [], '', names, req.language);
    this.opts.log.info({ conversation_id: conversationId, actions: results.length }, 'planner answered from the plan cache');
    return {
      reply,
      conversation_id: conversationId,
      plan_ids: planIds,
      results,
      usage: emptyUsage(),
      cached: true,
      offline: false,
      rejected: [],
    };
  }

  private async offline(
    req: ConverseRequest,
    conversationId: string,
    reason: string,
    userTurn: StoredTurn,
    usage: TokenUsage = emptyUsage(),
  ): Promise<PlannerReply> {
    this.counters.offline_replies += 1;
    let out: PlannerReply;
    if (this.opts.fallback) {
      try {
        const fb = await this.opts.fallback({ ...req, conversation_id: conversationId }, reason);
        const says = /offline/i.test(fb.reply) ? fb.reply : `(Offline: ${reason}.) ${fb.reply}`;
        out = { ...fb, reply: says, conversation_id: conversationId, offline: true, cached: false, usage: { ...usage } };
      } catch (err) {
        this.counters.errors += 1;
        this.opts.log.error({ err, conversation_id: conversationId }, 'planner: offline fallback failed');
        out = this.offlineReply(
          conversationId,
          `I am offline (${reason}) and the offline understanding failed: ${(err as Error).message}.`,
          usage,
        );
      }
    } else {
      out = this.offlineReply(conversationId, `I am offline (${reason}) and no offline understanding is configured.`, usage);
    }
    this.account(usage);
    await this.save(conversationId, userTurn, out);
    return out;
  }

  private offlineReply(conversationId: string, reply: string, usage: TokenUsage): PlannerReply {
    return {
      reply,
      conversation_id: conversationId,
      plan_ids: [],
      results: [],
      usage: { ...usage },
      cached: false,
      offline: true,
      rejected: [],
    };
  }

  private account(usage: TokenUsage): void {
    this.counters.input_tokens += usage.input_tokens;
    this.counters.output_tokens += usage.output_tokens;
    this.counters.cache_creation_input_tokens += usage.cache_creation_input_tokens;
    this.counters.cache_read_input_tokens += usage.cache_read_input_tokens;
  }

  private async save(conversationId: string, userTurn: StoredTurn, reply: PlannerReply): Promise<void> {
    const actions = reply.results.map((r) => ({ tool: r.action_type, status: r.status }));
    const assistant: StoredTurn = { role: 'assistant', text: reply.reply, ts: Date.now() / 1000, ...(actions.length ? { actions } : {}) };
    try {
      await this.opts.conversations.append(conversationId, [userTurn, assistant]);
    } catch (err) {
      // Losing history is worse than losing an answer only for the next turn: answer anyway, say why in the log.
      this.opts.log.error({ err, conversation_id: conversationId }, 'planner: could not save the conversation');
    }
  }
}
