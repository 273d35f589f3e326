// A small client for the OpenClaw gateway WebSocket protocol (version 4). The official client packages need
// Node >= 22.19, so this one speaks the wire format directly on `ws`:
//   gateway: event connect.challenge {nonce, ts}
//   client:  req connect {minProtocol, maxProtocol, client, role: operator, scopes, auth: {token}}
//   gateway: res {ok: true, payload: hello-ok {protocol, server, features, policy: {tickIntervalMs, ...}}}
// then requests matched by id, events (tick, sessions.changed, session.message, shutdown ...), and the rule that a
// connection silent for two tick intervals is dead (closed with 4000 and reconnected with backoff).
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { Logger } from '../../log';

export const PROTOCOL_VERSION = 4;
/** Frames larger than this from the gateway close the connection (the gateway's own cap is far lower). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface GatewayErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** An error answered by the gateway (or the connection failing under a request), with its code. */
export class GatewayError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: unknown;

  constructor(shape: GatewayErrorShape) {
    super(`${shape.code}: ${shape.message}`);
    this.name = 'GatewayError';
    this.code = shape.code;
    this.retryable = shape.retryable === true;
    this.retryAfterMs = shape.retryAfterMs;
    this.details = shape.details;
  }
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server?: { version?: string; connId?: string };
  features?: { methods?: string[]; events?: string[] };
  policy?: { tickIntervalMs?: number; maxPayload?: number; maxBufferedBytes?: number };
}

export interface GatewayEvent {
  event: string;
  payload: unknown;
  seq?: number;
}

export interface OpenClawClientOptions {
  url: string;
  token?: string;
  log: Logger;
  clientVersion?: string;
  /** Default time a request waits for its answer. */
  requestTimeoutMs?: number;
  /** Time from opening the socket to hello-ok. */
  connectTimeoutMs?: number;
  /** Reconnect backoff: doubles from initialMs up to maxMs (with jitter). */
  backoff?: { initialMs: number; maxMs: number };
}

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * Retry a retryable failure (gateway `retryable`, honouring `retryAfterMs`, or the connection dropping under the
   * request) until the timeout. Only for requests that are safe to repeat (reads, or `send` with its idempotency key).
   */
  retry?: boolean;
}

type State = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Events: `connected` (HelloOk), `disconnected` (reason string), `event` (GatewayEvent).
 */
export class OpenClawClient extends EventEmitter {
  private ws: WebSocket | null = null;
  private state: State = 'idle';
  private detail = 'not started';
  private hello: HelloOk | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private lastFrameAt = 0;
  private lastSeq: number | null = null;
  private failure: string | null = null;
  readonly counters = { connects: 0, disconnects: 0, requests: 0, request_errors: 0, events: 0, tick_timeouts: 0, seq_gaps: 0 };

  constructor(private readonly opts: OpenClawClientOptions) {
    super();
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  get helloOk(): HelloOk | null {
    return this.hello;
  }

  /** ok when connected, else exactly why not (refused, bad token, protocol mismatch, silent gateway ...). */
  status(): { ok: boolean; detail: string } {
    if (this.state === 'connected') return { ok: true, detail: this.detail };
    return { ok: false, detail: this.detail };
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.open();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.detail = 'stopped';
    this.clearTimers();
    this.rejectAll('the butler is stopping');
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000);
        ws.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        ws.close(1000, 'client stopping');
      });
    }
  }

  /** Resolves once connected (or rejects after timeoutMs with the reason it is not). */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('connected', on);
        reject(
          new GatewayError({ code: 'UNAVAILABLE', message: `not connected to the OpenClaw gateway: ${this.detail}`, retryable: true }),
        );
      }, timeoutMs);
      const on = () => {
        clearTimeout(t);
        resolve();
      };
      this.once('connected', on);
    });
  }

  /** Sends one request and waits for its answer (matched by id). */
  async request<T = unknown>(method: string, params: unknown, opts: RequestOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (opts.retry && this.state !== 'connected' && this.state !== 'stopped') {
          await this.waitConnected(Math.max(1, deadline - Date.now()));
        }
        return (await this.requestOnce(method, params, Math.max(1, deadline - Date.now()), timeoutMs)) as T;
      } catch (err) {
        const ge = err instanceof GatewayError ? err : null;
        if (!opts.retry || !ge?.retryable || this.state === 'stopped') throw err;
        const wait = ge.retryAfterMs ?? 250;
        if (Date.now() + wait >= deadline) throw err;
        this.opts.log.debug({ method, code: ge.code, wait }, 'retrying an OpenClaw request');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private requestOnce(method: string, params: unknown, timeoutMs: number, totalMs: number): Promise<unknown> {
    const ws = this.ws;
    if (this.state !== 'connected' || !ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(
        new GatewayError({ code: 'UNAVAILABLE', message: `not connected to the OpenClaw gateway: ${this.detail}`, retryable: true }),
      );
    }
    return this.sendRequest(ws, method, params, timeoutMs, totalMs);
  }

  private sendRequest(ws: WebSocket, method: string, params: unknown, timeoutMs: number, totalMs = timeoutMs): Promise<unknown> {
    const id = String(this.nextId++);
    this.counters.requests++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.counters.request_errors++;
        reject(new GatewayError({ code: 'TIMEOUT', message: `no answer to ${method} within ${totalMs} ms`, retryable: false }));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      ws.send(JSON.stringify({ type: 'req', id, method, params }), (err) => {
        if (!err) return;
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        clearTimeout(p.timer);
        reject(new GatewayError({ code: 'UNAVAILABLE', message: `could not send ${method}: ${err.message}`, retryable: true }));
      });
    });
  }

  private open(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.hello = null;
    this.failure = null;
    this.lastSeq = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000 });
    } catch (err) {
      this.detail = `invalid gateway URL: ${(err as Error).message}`;
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => {
      this.failure = this.failure ?? `no hello-ok within ${this.opts.connectTimeoutMs ?? 10_000} ms (is this an OpenClaw gateway?)`;
      ws.terminate();
    }, this.opts.connectTimeoutMs ?? 10_000);
    ws.on('message', (data, isBinary) => this.onFrame(ws, data, isBinary));
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') this.failure = `refused: nothing accepts connections at ${this.opts.url}`;
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') this.failure = `unreachable: cannot resolve ${this.opts.url}`;
      else if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.failure = 'the gateway sent a frame larger than 16 MiB';
      else this.failure = this.failure ?? `connection error: ${err.message}`;
    });
    ws.on('unexpected-response', (_req, res) => {
      this.failure = `the server at ${this.opts.url} answered HTTP ${res.statusCode} instead of a WebSocket upgrade`;
      ws.terminate();
    });
    ws.on('close', (code, reasonBuf) => this.onClose(ws, code, reasonBuf.toString()));
  }

  private onFrame(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();
    if (isBinary) {
      this.opts.log.warn('ignoring a binary frame from the OpenClaw gateway');
      return;
    }
    let frame: Record<string, unknown>;
    try {
      const parsed = JSON.parse(String(data));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      frame = parsed as Record<string, unknown>;
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'ignoring a frame from the OpenClaw gateway that is not a JSON object');
      return;
    }
    if (frame.type === 'event' && typeof frame.event === 'string') {
      this.onEvent(ws, { event: frame.event, payload: frame.payload, seq: typeof frame.seq === 'number' ? frame.seq : undefined });
    } else if (frame.type === 'res' && typeof frame.id === 'string') {
      const p = this.pending.get(frame.id);
      if (!p) return; // answered after its timeout: nobody waits any more
      this.pending.delete(frame.id);
      clearTimeout(p.timer);
      if (frame.ok === true) p.resolve(frame.payload);
      else {
        this.counters.request_errors++;
        const err = new GatewayError(errorShape(frame.error));
        // Said now, before the gateway closes the socket after a refused connect.
        if (p.method === 'connect') this.failure = describeConnectError(err);
        p.reject(err);
      }
    } else {
      this.opts.log.debug({ type: String(frame.type) }, 'ignoring an OpenClaw frame of an unknown type');
    }
  }

  private onEvent(ws: WebSocket, ev: GatewayEvent): void {
    if (ev.event === 'connect.challenge') {
      if (this.state === 'connecting') void this.handshake(ws);
      return;
    }
    if (this.state !== 'connected') return;
    if (ev.seq !== undefined) {
      if (this.lastSeq !== null && ev.seq > this.lastSeq + 1) {
        this.counters.seq_gaps++;
        this.opts.log.warn({ expected: this.lastSeq + 1, got: ev.seq }, 'OpenClaw events were missed (sequence gap)');
      }
      this.lastSeq = ev.seq;
    }
    if (ev.event === 'tick') return;
    if (ev.event === 'shutdown') {
      const p = (ev.payload ?? {}) as { reason?: string };
      this.failure = `the gateway is shutting down${p.reason ? `: ${p.reason}` : ''}`;
    }
    this.counters.events++;
    this.emit('event', ev);
  }

  private async handshake(ws: WebSocket): Promise<void> {
    const params: Record<string, unknown> = {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: {
        id: 'gateway-client',
        displayName: 'Smart Butler',
        version: this.opts.clientVersion ?? '0.0.0',
        platform: process.platform,
        mode: 'backend',
      },
      role: 'operator',
      scopes: ['operator.read', 'operator.write'],
    };
    if (this.opts.token) params.auth = { token: this.opts.token };
    let hello: HelloOk;
    try {
      const payload = (await this.sendRequest(ws, 'connect', params, this.opts.connectTimeoutMs ?? 10_000)) as HelloOk;
      if (payload?.type !== 'hello-ok') throw new Error('the answer to connect is not hello-ok');
      if (payload.protocol !== PROTOCOL_VERSION) {
        this.failure = `protocol mismatch: the gateway speaks protocol ${payload.protocol}, the butler ${PROTOCOL_VERSION}`;
        ws.close(1002, 'protocol mismatch');
        return;
      }
      hello = payload;
    } catch (err) {
      if (ws !== this.ws) return;
      this.failure = describeConnectError(err);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'connect failed');
      return;
    }
    if (ws !== this.ws || this.state !== 'connecting') return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.hello = hello;
    this.state = 'connected';
    this.attempt = 0;
    this.counters.connects++;
    const tick = Math.max(50, hello.policy?.tickIntervalMs ?? 30_000);
    this.detail = `connected to ${redact(this.opts.url)} (protocol ${hello.protocol}${hello.server?.version ? `, gateway ${hello.server.version}` : ''})`;
    this.lastFrameAt = Date.now();
    // The 2x tick rule: a gateway silent for two tick intervals is gone, whatever TCP believes.
    this.tickTimer = setInterval(
      () => {
        if (Date.now() - this.lastFrameAt > 2 * tick) {
          this.counters.tick_timeouts++;
          this.failure = `the gateway fell silent (no tick for ${2 * tick} ms)`;
          ws.close(4000, 'tick timeout');
          // A peer that does not answer the close handshake is dropped.
          setTimeout(() => ws.terminate(), 1000).unref();
        }
      },
      Math.max(25, Math.floor(tick / 2)),
    );
    this.opts.log.info({ url: redact(this.opts.url), protocol: hello.protocol, tickIntervalMs: tick }, 'connected to the OpenClaw gateway');
    this.emit('connected', hello);
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    const wasConnected = this.state === 'connected';
    this.clearTimers();
    this.ws = null;
    this.hello = null;
    const why = this.failure ?? (code === 1006 ? 'the connection dropped' : `closed by the gateway (${code}${reason ? ` ${reason}` : ''})`);
    this.rejectAll(`the connection to the OpenClaw gateway closed: ${why}`);
    if (this.state === 'stopped') return;
    this.detail = why;
    if (wasConnected) {
      this.counters.disconnects++;
      this.opts.log.warn({ reason: why }, 'lost the OpenClaw gateway; reconnecting');
      this.emit('disconnected', why);
    } else if (this.attempt === 0 || this.attempt % 10 === 0) {
      this.opts.log.warn({ reason: why, attempt: this.attempt + 1 }, 'could not connect to the OpenClaw gateway');
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped') return;
    this.state = 'waiting';
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 16));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private rejectAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new GatewayError({ code: 'UNAVAILABLE', message, retryable: true }));
      this.pending.delete(id);
    }
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.reconnectTimer = this.tickTimer = this.connectTimer = null;
  }

  /** A request id for idempotency keys of sends the butler makes on its own (not from a plan). */
  static randomKey(): string {
    return randomUUID();
  }
}

function errorShape(raw: unknown): GatewayErrorShape {
  if (raw && typeof raw === 'object') {
    const e = raw as Record<string, unknown>;
    return {
      code: typeof e.code === 'string' && e.code ? e.code : 'UNKNOWN',
      message: typeof e.message === 'string' && e.message ? e.message : 'the gateway gave no message',
      details: e.details,
      retryable: e.retryable === true,
      retryAfterMs: typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0 ? e.retryAfterMs : undefined,
    };
  }
  return { code: 'UNKNOWN', message: 'the gateway answered ok:false without an error' };
}

/** Why a connect was refused, in the words the health report uses. */
function describeConnectError(err: unknown): string {
  if (err instanceof GatewayError) {
    const text = `${err.message} ${JSON.stringify(err.details ?? '')}`;
    if (/protocol/i.test(text)) return `protocol mismatch: ${err.message}`;
    if (/auth|token|unauthori[sz]ed|password|credential/i.test(text)) return `bad token: the gateway refused it (${err.message})`;
    if (err.code === 'NOT_PAIRED' || /pair/i.test(text)) return `not paired: ${err.message}`;
    return `connect refused: ${err.message}`;
  }
  return `connect failed: ${(err as Error).message}`;
}

/** The URL without credentials (user:password@ or ?token=). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) if (/token|key|secret|pass/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
