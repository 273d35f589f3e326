// The OpenClaw part: one gateway connection (client.ts), the messaging actions (actions.ts), and people writing to
// the butler: every user turn in a chat becomes a `message.received` event from `openclaw:<channel>` (never trusted)
// and goes through the conversation pipeline as an untrusted turn; a handled answer goes back to the same chat and
// thread, as a reply to the message.
import { createHash } from 'node:crypto';
import type { ActionRegistry } from '../../actions/registry';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import type { Logger } from '../../log';
import type { JsonObject } from '../../types';
import type { Turn, TurnReply } from '../../conversation/turn';
import type { SnapshotStore } from '../../snapshots/store';
import { gatewaySend, registerOpenClawActions, type RecipientCheck } from './actions';
import { type CliSender, cliSender } from './cli';
import { type GatewayEvent, OpenClawClient, redact } from './client';
import { addressFromRow, type ChatAddress, type InboundChatMessage, inboundFromEvent, inboundFromMessage } from './inbound';

export interface OpenClawHost {
  registry: ActionRegistry;
  ingest: { emit(type: string, source: string, payload?: JsonObject): unknown };
  converse: (turn: Turn) => Promise<TurnReply>;
  log: Logger;
}

export interface OpenClawOptions {
  url?: string;
  token?: string;
  version: string;
  /** Whether a recipient is in the household directory (sending elsewhere is sensitive). */
  isKnownRecipient?: RecipientCheck;
  requestTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** The snapshot store, for media sent by snapshot id (it starts after this part). */
  snapshots?: () => SnapshotStore | null;
  /** The OpenClaw CLI executable allowed to send when no gateway URL is set (option openclaw_cli). */
  cli?: string;
  /** Answer messages through the conversation pipeline (default true). */
  answerMessages?: boolean;
}

const MAX_TURN_TEXT = 4000;
const SEEN_LIMIT = 2000;
const MAX_SUBSCRIBED = 500;
/** A new chat's first turns can be written before the subscription lands: those this recent are read back. */
const CATCH_UP_MS = 60_000;

export class OpenClawPart implements Part<OpenClawHost> {
  readonly name = 'openclaw';
  private client: OpenClawClient | null = null;
  private cli: CliSender | null = null;
  private host: OpenClawHost | null = null;
  private readonly addresses = new Map<string, ChatAddress>();
  private readonly subscribed = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  private stopping = false;
  readonly counters = { received: 0, answered: 0, answer_errors: 0, duplicates: 0 };
  /** Each answered message: from message.received to the reply sent (for the bench and tests). */
  readonly answers: Array<{ message_id: string; ok: boolean; error?: string }> = [];

  constructor(private readonly opts: OpenClawOptions) {}

  get gateway(): OpenClawClient | null {
    return this.client;
  }

  /** One `send` through the gateway, or through the allowlisted CLI when there is no gateway. */
  send(params: Record<string, unknown>): Promise<JsonObject> {
    return !this.client && this.cli ? this.cli(params) : gatewaySend(this.client, params);
  }

  start(host: OpenClawHost): void {
    this.host = host;
    const log = host.log;
    if (this.opts.url) {
      const client = new OpenClawClient({
        url: this.opts.url,
        token: this.opts.token,
        log,
        clientVersion: this.opts.version,
        requestTimeoutMs: this.opts.requestTimeoutMs,
        backoff: this.opts.backoff,
      });
      this.client = client;
      client.on('connected', () => void this.onConnected());
      client.on('disconnected', () => this.subscribed.clear());
      client.on('event', (ev: GatewayEvent) => this.onEvent(ev));
      client.start();
      log.info({ url: redact(this.opts.url) }, 'connecting to the OpenClaw gateway');
    }
    this.cli = !this.opts.url && this.opts.cli ? cliSender(this.opts.cli) : null;
    if (this.cli) log.info({ cli: this.opts.cli }, 'no OpenClaw gateway: messages are sent with the OpenClaw CLI');
    registerOpenClawActions(host.registry, () => this.client, this.opts.isKnownRecipient ?? (() => false), this.opts.snapshots, this.cli);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.stop();
    await Promise.allSettled([...this.queues.values()]);
  }

  health(): ComponentHealth {
    if (!this.client && this.cli) return { ok: true, detail: `no gateway: sending with the OpenClaw CLI (${this.opts.cli})` };
    if (!this.client) return { ok: true, detail: 'off: no openclaw_url is set' };
    return this.client.status();
  }

  metrics(): MetricFamily[] {
    const c = this.client?.counters;
    return [
      [
        'butler_openclaw_connected',
        { type: 'gauge', help: 'Whether the OpenClaw gateway is connected', samples: [[null, this.client?.connected ? 1 : 0]] },
      ],
      [
        'butler_openclaw_messages_received_total',
        { type: 'counter', help: 'Chat messages received', samples: [[null, this.counters.received]] },
      ],
      [
        'butler_openclaw_messages_answered_total',
        { type: 'counter', help: 'Chat messages answered', samples: [[null, this.counters.answered]] },
      ],
      [
        'butler_openclaw_reconnects_total',
        { type: 'counter', help: 'Connections to the gateway made', samples: [[null, c?.connects ?? 0]] },
      ],
      [
        'butler_openclaw_tick_timeouts_total',
        { type: 'counter', help: 'Connections closed for 2x tick silence', samples: [[null, c?.tick_timeouts ?? 0]] },
      ],
    ];
  }

  private async onConnected(): Promise<void> {
    const client = this.client!;
    const log = this.host!.log;
    this.subscribed.clear();
    try {
      await client.request('sessions.subscribe', {}, { retry: true });
      const list = (await client.request<{ sessions?: unknown[] }>('sessions.list', {}, { retry: true })) ?? {};
      const rows = Array.isArray(list.sessions) ? list.sessions : [];
      for (const row of rows.slice(0, MAX_SUBSCRIBED)) await this.watch(row, false);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not subscribe to OpenClaw sessions: chat messages will not arrive');
    }
  }

  /**
   * Subscribes to one session's transcript (once per connection). A session that just changed may already hold the
   * turn that changed it, written before the subscription: its recent user turns are read back (chat.history).
   */
  private async watch(row: unknown, catchUp: boolean): Promise<void> {
    const r = (row ?? {}) as Record<string, unknown>;
    const key = typeof r.key === 'string' ? r.key : typeof r.sessionKey === 'string' ? r.sessionKey : null;
    if (!key || !this.client) return;
    const address = addressFromRow(r);
    if (address) this.addresses.set(key, address);
    if (this.subscribed.has(key) || this.subscribed.size >= MAX_SUBSCRIBED) return;
    this.subscribed.add(key);
    try {
      await this.client.request('sessions.messages.subscribe', { key }, { retry: true });
      if (catchUp) {
        const since = Date.now() - CATCH_UP_MS;
        const h =
          (await this.client.request<{ messages?: unknown[] }>('chat.history', { sessionKey: key, limit: 10 }, { retry: true })) ?? {};
        for (const m of Array.isArray(h.messages) ? h.messages : []) {
          if (!m || typeof m !== 'object') continue;
          const msg = inboundFromMessage(key, m as Record<string, unknown>, undefined, (k) => this.addresses.get(k) ?? null);
          if (msg && msg.timestamp !== undefined && msg.timestamp >= since) this.accept(msg);
        }
      }
    } catch (err) {
      this.subscribed.delete(key);
      this.host!.log.warn({ session: key, err: (err as Error).message }, 'could not subscribe to an OpenClaw session');
    }
  }

  private onEvent(ev: GatewayEvent): void {
    if (ev.event === 'sessions.changed') {
      const p = (ev.payload ?? {}) as Record<string, unknown>;
      const row = p.session && typeof p.session === 'object' ? { sessionKey: p.sessionKey, ...(p.session as object) } : p;
      void this.watch(row, true);
      return;
    }
    if (ev.event !== 'session.message') return;
    const msg = inboundFromEvent(ev.payload, (key) => this.addresses.get(key) ?? null);
    if (msg) this.accept(msg);
  }

  private accept(msg: InboundChatMessage): void {
    if (this.seen.has(msg.dedupeKey)) {
      this.counters.duplicates++;
      return;
    }
    this.seen.add(msg.dedupeKey);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
    // One chat's messages are answered in order; different chats do not wait for each other.
    const prev = this.queues.get(msg.sessionKey) ?? Promise.resolve();
    const next = prev.then(() => this.handle(msg)).catch(() => undefined);
    this.queues.set(msg.sessionKey, next);
    void next.then(() => {
      if (this.queues.get(msg.sessionKey) === next) this.queues.delete(msg.sessionKey);
    });
  }

  private async handle(msg: InboundChatMessage): Promise<void> {
    const host = this.host!;
    const source = `openclaw:${msg.channel}`;
    this.counters.received++;
    const payload: JsonObject = {
      channel: msg.channel,
      from: msg.from,
      text: msg.text,
      message_id: msg.messageId,
      target: msg.to,
      session_key: msg.sessionKey,
    };
    if (msg.threadId) payload.thread_id = msg.threadId;
    if (msg.accountId) payload.account = msg.accountId;
    host.ingest.emit('message.received', source, payload);
    if (this.opts.answerMessages === false || this.stopping || !msg.text.trim()) return;
    let reply: TurnReply;
    try {
      reply = await host.converse({
        text: msg.text.slice(0, MAX_TURN_TEXT),
        // A chat is never trusted: whatever it asks that is sensitive waits for a person, and it cannot approve.
        origin: { source, trusted: false, user: msg.from, untrusted_input: true },
        conversation_id: conversationId(msg.sessionKey),
      });
    } catch (err) {
      host.log.warn({ source, err: (err as Error).message }, 'a chat message could not be answered');
      return;
    }
    if (!reply.handled || !reply.reply.trim() || this.stopping || !this.client) return;
    const params: Record<string, unknown> = {
      to: msg.to,
      message: reply.reply,
      channel: msg.channel,
      idempotencyKey: `butler:reply:${msg.sessionKey}:${msg.messageId}`,
    };
    if (msg.replyable) params.replyToId = msg.messageId;
    if (msg.accountId) params.accountId = msg.accountId;
    if (msg.threadId) params.threadId = msg.threadId;
    try {
      await this.client.request('send', params, { retry: true, timeoutMs: 15_000 });
      this.counters.answered++;
      this.answers.push({ message_id: msg.messageId, ok: true });
    } catch (err) {
      this.counters.answer_errors++;
      this.answers.push({ message_id: msg.messageId, ok: false, error: (err as Error).message });
      host.log.warn({ source, err: (err as Error).message }, 'the answer to a chat message could not be sent');
    }
    if (this.answers.length > 1000) this.answers.splice(0, this.answers.length - 1000);
  }
}

/** A conversation per chat (ids are capped at 128 characters). */
function conversationId(sessionKey: string): string {
  const id = `openclaw:${sessionKey}`;
  return id.length <= 128 ? id : `openclaw:${createHash('sha256').update(sessionKey).digest('hex').slice(0, 40)}`;
}
