// A simulated OpenClaw gateway speaking protocol 4 as the real one does (npm `openclaw` docs/gateway/protocol and
// src/gateway/protocol/schema): it speaks first with connect.challenge, takes exactly one `connect` (closed schema,
// protocol range, shared token), answers hello-ok with its policy, sends a tick every tickIntervalMs, caps frames
// before authentication at 64 KiB, and serves `send` (closed schema, idempotencyKey required and deduplicated,
// operator.write scope, UNAVAILABLE for an unconfigured channel), sessions.subscribe / sessions.messages.subscribe
// with sessions.changed and session.message events, health, channels.status and sessions.list.
// Test hooks (`inbound`, `failNext`, `dropNext`, `pauseTicks`, `kickAll`) stand for a person writing in a chat and
// for the gateway misbehaving.
import { EventEmitter } from 'node:events';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { createAjv, describeAjvErrors } from '../../util/schema';

export const GATEWAY_PROTOCOL = 4;
const PRE_AUTH_MAX_BYTES = 64 * 1024;
const MAX_PAYLOAD = 25 * 1024 * 1024;

const CLIENT_IDS = [
  'webchat-ui',
  'openclaw-control-ui',
  'webchat',
  'cli',
  'gateway-client',
  'openclaw-macos',
  'openclaw-ios',
  'openclaw-android',
  'node-host',
  'test',
];
const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test'];
const nonEmpty = { type: 'string', minLength: 1 };

const connectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['minProtocol', 'maxProtocol', 'client'],
  properties: {
    minProtocol: { type: 'integer', minimum: 1 },
    maxProtocol: { type: 'integer', minimum: 1 },
    client: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version', 'platform', 'mode'],
      properties: {
        id: { enum: CLIENT_IDS },
        displayName: nonEmpty,
        version: nonEmpty,
        platform: nonEmpty,
        deviceFamily: nonEmpty,
        modelIdentifier: nonEmpty,
        mode: { enum: CLIENT_MODES },
        instanceId: nonEmpty,
      },
    },
    caps: { type: 'array', items: nonEmpty },
    commands: { type: 'array', items: nonEmpty },
    permissions: { type: 'object', additionalProperties: { type: 'boolean' } },
    pathEnv: { type: 'string' },
    role: nonEmpty,
    scopes: { type: 'array', items: nonEmpty },
    device: { type: 'object' },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: { token: { type: 'string' }, deviceToken: { type: 'string' }, password: { type: 'string' } },
    },
    locale: { type: 'string' },
    userAgent: { type: 'string' },
    transports: { type: 'array', minItems: 1, items: { enum: ['json-ws', 'protobuf-ws'] } },
  },
} as const;

const sendSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to', 'idempotencyKey'],
  properties: {
    to: nonEmpty,
    message: { type: 'string' },
    mediaUrl: { type: 'string' },
    mediaUrls: { type: 'array', items: { type: 'string' } },
    buffer: { type: 'string' },
    filename: { type: 'string' },
    contentType: { type: 'string' },
    asVoice: { type: 'boolean' },
    forceDocument: { type: 'boolean' },
    parseMode: { enum: ['HTML'] },
    gifPlayback: { type: 'boolean' },
    channel: { type: 'string' },
    accountId: { type: 'string' },
    agentId: { type: 'string' },
    threadId: { type: 'string' },
    replyToId: { type: 'string' },
    silent: { type: 'boolean' },
    sessionKey: { type: 'string' },
    idempotencyKey: nonEmpty,
  },
} as const;

const keySchema = { type: 'object', additionalProperties: false, required: ['key'], properties: { key: nonEmpty } } as const;
const emptySchema = { type: 'object', additionalProperties: false, properties: {} } as const;
const historySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['sessionKey'],
  properties: { sessionKey: nonEmpty, limit: { type: 'integer', minimum: 1, maximum: 1000 }, maxChars: { type: 'integer', minimum: 1 } },
} as const;
const listSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1 },
    activeMinutes: { type: 'integer', minimum: 1 },
    includeGlobal: { type: 'boolean' },
  },
} as const;

const METHODS = [
  'health',
  'channels.status',
  'send',
  'chat.history',
  'sessions.list',
  'sessions.subscribe',
  'sessions.unsubscribe',
  'sessions.messages.subscribe',
  'sessions.messages.unsubscribe',
];
const EVENTS = ['tick', 'shutdown', 'health', 'sessions.changed', 'session.message'];

export interface ErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface SentMessage {
  to: string;
  message?: string;
  channel: string;
  accountId?: string;
  threadId?: string;
  replyToId?: string;
  mediaUrl?: string;
  /** Media sent inline (buffer + filename + contentType). */
  media?: { filename?: string; contentType?: string; bytes: number; sha256: string };
  idempotencyKey: string;
  messageId: string;
}

export interface InboundMessage {
  channel: string;
  /** The sender's id on the channel (chat id); also where replies go. */
  from: string;
  text: string;
  senderName?: string;
  threadId?: string;
  accountId?: string;
}

interface Session {
  key: string;
  sessionId: string;
  channel: string;
  to: string;
  accountId?: string;
  threadId?: string;
  label: string;
  updatedAt: number;
  seq: number;
  transcript: Array<Record<string, unknown>>;
}

interface Conn {
  ws: WebSocket;
  authed: boolean;
  scopes: Set<string>;
  seq: number;
  subscribedSessions: boolean;
  messageKeys: Set<string>;
}

export interface GatewayOptions {
  host?: string;
  port?: number;
  /** Shared token clients must present; empty means no auth (as `gateway.auth.mode: none`). */
  token?: string;
  tickIntervalMs?: number;
  /** Channels that are configured; `send` to any other answers UNAVAILABLE. */
  channels?: string[];
  protocol?: number;
}

export class OpenClawGatewaySimulator extends EventEmitter {
  private wss: WebSocketServer | null = null;
  private readonly conns = new Set<Conn>();
  private readonly sessions = new Map<string, Session>();
  private readonly idempotent = new Map<string, { ok: boolean; payload?: unknown; error?: ErrorShape }>();
  private readonly failures: Array<{ method: string; error: ErrorShape }> = [];
  private readonly drops: string[] = [];
  private readonly holds: string[] = [];
  private tickTimer: NodeJS.Timeout | null = null;
  private ticksPaused = false;
  private readonly ajv = createAjv();
  private readonly validators = {
    connect: this.ajv.compile(connectSchema),
    send: this.ajv.compile(sendSchema),
    key: this.ajv.compile(keySchema),
    empty: this.ajv.compile(emptySchema),
    list: this.ajv.compile(listSchema),
    history: this.ajv.compile(historySchema),
  };
  readonly sent: SentMessage[] = [];
  /** Every request method received after connect, in order (for tests). */
  readonly requests: Array<{ method: string; params: unknown }> = [];
  port = 0;

  constructor(private readonly opts: GatewayOptions = {}) {
    super();
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get clientCount(): number {
    return [...this.conns].filter((c) => c.authed).length;
  }

  get tickIntervalMs(): number {
    return this.opts.tickIntervalMs ?? 30_000;
  }

  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: this.opts.host ?? '127.0.0.1', port: this.opts.port ?? 0, maxPayload: MAX_PAYLOAD });
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => this.onConnection(ws));
    this.tickTimer = setInterval(() => {
      if (this.ticksPaused) return;
      for (const c of this.conns) if (c.authed) this.event(c, 'tick', { ts: Date.now() });
    }, this.tickIntervalMs);
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const c of this.conns) {
      if (c.authed) this.event(c, 'shutdown', { reason: 'gateway stopping' });
      c.ws.terminate();
    }
    this.conns.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    this.wss = null;
  }

  /** The next request of `method` answers this error. */
  failNext(method: string, error: ErrorShape): void {
    this.failures.push({ method, error });
  }

  /** The next request of `method` is taken and the connection dropped before any answer (after `send` ran). */
  dropNext(method: string): void {
    this.drops.push(method);
  }

  /** The next request of `method` is never answered (the connection stays up). */
  holdNext(method: string): void {
    this.holds.push(method);
  }

  /** Sends a raw text frame to every authenticated client (garbage, unknown frame types ...). */
  rawToAll(text: string): void {
    for (const c of this.conns) if (c.authed && c.ws.readyState === c.ws.OPEN) c.ws.send(text);
  }

  /** Stops (or resumes) ticks: a gateway that went silent without closing. */
  pauseTicks(paused: boolean): void {
    this.ticksPaused = paused;
  }

  /** Drops every connection (a restart). */
  kickAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** A person writes in a chat: the session is created or updated and subscribers hear about it. */
  inbound(msg: InboundMessage): { sessionKey: string; messageId: string } {
    const key = `agent:main:${msg.channel}:${msg.accountId ? `${msg.accountId}:` : ''}direct:${msg.from}${msg.threadId ? `:thread:${msg.threadId}` : ''}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = {
        key,
        sessionId: randomUUID(),
        channel: msg.channel,
        to: msg.from,
        accountId: msg.accountId,
        threadId: msg.threadId,
        label: msg.senderName ?? msg.from,
        updatedAt: Date.now(),
        seq: 0,
        transcript: [],
      };
      this.sessions.set(key, s);
    }
    s.updatedAt = Date.now();
    const messageId = String(Math.floor(Math.random() * 1e9));
    this.broadcastSessionChanged(s, 'message');
    this.transcript(
      s,
      { role: 'user', content: [{ type: 'text', text: msg.text }], timestamp: Date.now(), senderLabel: msg.senderName },
      messageId,
    );
    return { sessionKey: key, messageId };
  }

  private sessionRow(s: Session): Record<string, unknown> {
    return {
      key: s.key,
      sessionId: s.sessionId,
      kind: 'direct',
      channel: s.channel,
      displayName: s.label,
      updatedAt: s.updatedAt,
      deliveryContext: { channel: s.channel, to: s.to, accountId: s.accountId, threadId: s.threadId },
      origin: { provider: s.channel, from: s.to, label: s.label },
    };
  }

  private broadcastSessionChanged(s: Session, reason: string): void {
    for (const c of this.conns)
      if (c.authed && c.subscribedSessions) this.event(c, 'sessions.changed', { sessionKey: s.key, reason, session: this.sessionRow(s) });
  }

  private transcript(s: Session, message: Record<string, unknown>, messageId: string): void {
    s.seq++;
    s.transcript.push(message);
    if (s.transcript.length > 200) s.transcript.shift();
    for (const c of this.conns) {
      if (c.authed && c.messageKeys.has(s.key))
        this.event(c, 'session.message', { sessionKey: s.key, agentId: 'main', messageId, messageSeq: s.seq, message });
    }
  }

  private onConnection(ws: WebSocket): void {
    const conn: Conn = { ws, authed: false, scopes: new Set(), seq: 0, subscribedSessions: false, messageKeys: new Set() };
    this.conns.add(conn);
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (!conn.authed && size > PRE_AUTH_MAX_BYTES) {
        ws.close(1009, 'pre-auth frame too large');
        return;
      }
      if (isBinary) {
        ws.close(1003, 'binary frames are not supported');
        return;
      }
      this.onFrame(conn, String(data));
    });
    const nonce = randomBytes(16).toString('base64url');
    this.raw(conn, { type: 'event', event: 'connect.challenge', payload: { nonce, ts: Date.now() } });
  }

  private onFrame(conn: Conn, text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text);
      if (!frame || typeof frame !== 'object' || Array.isArray(frame)) throw new Error('not an object');
    } catch {
      conn.ws.close(1008, 'invalid frame');
      return;
    }
    const id = typeof frame.id === 'string' && frame.id ? frame.id : null;
    if (frame.type !== 'req' || !id || typeof frame.method !== 'string' || !frame.method) {
      if (!conn.authed) conn.ws.close(1008, 'invalid request frame');
      else if (id) this.res(conn, id, false, undefined, { code: 'INVALID_REQUEST', message: 'invalid request frame' });
      return;
    }
    const method = frame.method;
    const params = frame.params ?? {};
    if (!conn.authed) {
      this.onConnect(conn, id, method, params);
      return;
    }
    this.requests.push({ method, params });
    const holdAt = this.holds.indexOf(method);
    if (holdAt >= 0) {
      this.holds.splice(holdAt, 1);
      return;
    }
    const dropAt = this.drops.indexOf(method);
    const failAt = this.failures.findIndex((f) => f.method === method);
    if (failAt >= 0) {
      const [f] = this.failures.splice(failAt, 1);
      this.res(conn, id, false, undefined, f.error);
      return;
    }
    let answer: { ok: boolean; payload?: unknown; error?: ErrorShape };
    try {
      answer = this.handle(conn, method, params);
    } catch (err) {
      answer = { ok: false, error: { code: 'UNAVAILABLE', message: (err as Error).message } };
    }
    if (dropAt >= 0) {
      this.drops.splice(dropAt, 1);
      conn.ws.terminate();
      return;
    }
    this.res(conn, id, answer.ok, answer.payload, answer.error);
  }

  private onConnect(conn: Conn, id: string, method: string, params: unknown): boolean {
    const refuse = (error: ErrorShape, code: number): boolean => {
      this.res(conn, id, false, undefined, error);
      conn.ws.close(code, error.message.slice(0, 120));
      return false;
    };
    if (method !== 'connect') return refuse({ code: 'INVALID_REQUEST', message: 'invalid handshake: first request must be connect' }, 1008);
    if (!this.validators.connect(params))
      return refuse(
        { code: 'INVALID_REQUEST', message: `invalid connect params: ${describeAjvErrors(this.validators.connect.errors).join('; ')}` },
        1008,
      );
    const p = params as { minProtocol: number; maxProtocol: number; role?: string; scopes?: string[]; auth?: { token?: string } };
    const protocol = this.opts.protocol ?? GATEWAY_PROTOCOL;
    if (p.minProtocol > protocol || p.maxProtocol < protocol)
      return refuse({ code: 'INVALID_REQUEST', message: 'protocol mismatch', details: { expectedProtocol: protocol } }, 1002);
    if (this.opts.token && p.auth?.token !== this.opts.token) {
      const reason = p.auth?.token ? 'token_mismatch' : 'token_missing';
      return refuse(
        {
          code: 'INVALID_REQUEST',
          message: `unauthorized: gateway token ${reason === 'token_missing' ? 'missing' : 'mismatch'}`,
          details: { code: 'AUTH_TOKEN_MISMATCH', reason },
        },
        1008,
      );
    }
    const role = p.role ?? 'operator';
    if (role !== 'operator' && role !== 'node') return refuse({ code: 'INVALID_REQUEST', message: `unknown role: ${role}` }, 1008);
    conn.authed = true;
    conn.scopes = new Set(p.scopes ?? []);
    this.res(conn, id, true, {
      type: 'hello-ok',
      protocol,
      server: { version: 'simulator-2026.9.6', connId: randomUUID() },
      features: { methods: METHODS, events: EVENTS },
      snapshot: { presence: [], health: { ok: true }, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
      policy: { maxPayload: MAX_PAYLOAD, maxBufferedBytes: 50 * 1024 * 1024, tickIntervalMs: this.tickIntervalMs },
    });
    this.emit('client');
    return true;
  }

  private handle(conn: Conn, method: string, params: unknown): { ok: boolean; payload?: unknown; error?: ErrorShape } {
    const invalid = (v: { errors?: unknown }) => ({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: `invalid ${method} params: ${describeAjvErrors(v.errors as never).join('; ')}` },
    });
    const needs = (scope: string) =>
      conn.scopes.has(scope) || conn.scopes.has('operator.admin') || (scope === 'operator.read' && conn.scopes.has('operator.write'));
    const forbidden = (scope: string) => ({ ok: false, error: { code: 'INVALID_REQUEST', message: `missing scope: ${scope}` } });
    switch (method) {
      case 'health':
        return { ok: true, payload: { ok: true, ts: Date.now() } };
      case 'channels.status':
        if (!needs('operator.read')) return forbidden('operator.read');
        return {
          ok: true,
          payload: {
            channels: Object.fromEntries((this.opts.channels ?? ['telegram']).map((c) => [c, { configured: true, running: true }])),
          },
        };
      case 'sessions.list':
        if (!needs('operator.read')) return forbidden('operator.read');
        if (!this.validators.list(params)) return invalid(this.validators.list);
        return { ok: true, payload: { sessions: [...this.sessions.values()].map((s) => this.sessionRow(s)) } };
      case 'chat.history': {
        if (!needs('operator.read')) return forbidden('operator.read');
        if (!this.validators.history(params)) return invalid(this.validators.history);
        const h = params as { sessionKey: string; limit?: number };
        const s = this.sessions.get(h.sessionKey);
        const messages = s ? s.transcript.slice(-(h.limit ?? 200)) : [];
        return { ok: true, payload: { sessionKey: h.sessionKey, sessionId: s?.sessionId ?? null, messages } };
      }
      case 'sessions.subscribe':
      case 'sessions.unsubscribe':
        if (!needs('operator.read')) return forbidden('operator.read');
        if (!this.validators.empty(params)) return invalid(this.validators.empty);
        conn.subscribedSessions = method === 'sessions.subscribe';
        return { ok: true, payload: { subscribed: conn.subscribedSessions } };
      case 'sessions.messages.subscribe':
      case 'sessions.messages.unsubscribe': {
        if (!needs('operator.read')) return forbidden('operator.read');
        if (!this.validators.key(params)) return invalid(this.validators.key);
        const key = (params as { key: string }).key;
        if (method === 'sessions.messages.subscribe') conn.messageKeys.add(key);
        else conn.messageKeys.delete(key);
        return { ok: true, payload: { subscribed: method === 'sessions.messages.subscribe', key } };
      }
      case 'send':
        if (!needs('operator.write')) return forbidden('operator.write');
        if (!this.validators.send(params)) return invalid(this.validators.send);
        return this.send(params as unknown as Record<string, unknown>);
      default:
        return { ok: false, error: { code: 'INVALID_REQUEST', message: `unknown method: ${method}` } };
    }
  }

  private send(p: Record<string, unknown>): { ok: boolean; payload?: unknown; error?: ErrorShape } {
    const key = String(p.idempotencyKey);
    const seen = this.idempotent.get(key);
    if (seen) return seen;
    const channels = this.opts.channels ?? ['telegram'];
    const channel = typeof p.channel === 'string' && p.channel ? p.channel : channels[0];
    let answer: { ok: boolean; payload?: unknown; error?: ErrorShape };
    if (!channels.includes(channel)) {
      answer = { ok: false, error: { code: 'UNAVAILABLE', message: `channel ${channel} is not configured` } };
    } else if (typeof p.message !== 'string' && !p.mediaUrl && !p.mediaUrls && !p.buffer) {
      answer = { ok: false, error: { code: 'INVALID_REQUEST', message: 'send needs message or media' } };
    } else {
      const messageId = String(Math.floor(Math.random() * 1e9));
      const msg: SentMessage = {
        to: String(p.to),
        message: typeof p.message === 'string' ? p.message : undefined,
        channel,
        accountId: p.accountId as string | undefined,
        threadId: p.threadId as string | undefined,
        replyToId: p.replyToId as string | undefined,
        mediaUrl: p.mediaUrl as string | undefined,
        ...(typeof p.buffer === 'string' ? { media: inlineMedia(p) } : {}),
        idempotencyKey: key,
        messageId,
      };
      this.sent.push(msg);
      answer = { ok: true, payload: { runId: randomUUID(), messageId, channel, chatId: msg.to } };
      // The delivered text is mirrored into the chat's session transcript as the assistant's.
      const s = [...this.sessions.values()].find(
        (x) => x.channel === channel && x.to === msg.to && (x.threadId ?? undefined) === msg.threadId,
      );
      if (s && msg.message)
        this.transcript(s, { role: 'assistant', content: [{ type: 'text', text: msg.message }], timestamp: Date.now() }, messageId);
      this.emit('send', msg);
    }
    this.idempotent.set(key, answer);
    return answer;
  }

  private res(conn: Conn, id: string, ok: boolean, payload?: unknown, error?: ErrorShape): void {
    const frame: Record<string, unknown> = { type: 'res', id, ok };
    if (payload !== undefined) frame.payload = payload;
    if (error) frame.error = error;
    this.raw(conn, frame);
  }

  private event(conn: Conn, event: string, payload: unknown): void {
    this.raw(conn, { type: 'event', event, payload, seq: conn.seq++ });
  }

  private raw(conn: Conn, frame: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  }
}

function inlineMedia(p: Record<string, unknown>): NonNullable<SentMessage['media']> {
  const bytes = Buffer.from(String(p.buffer), 'base64');
  return {
    filename: p.filename as string | undefined,
    contentType: p.contentType as string | undefined,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
