// The butler's live connection to Home Assistant, on home-assistant-js-websocket.
//
// The library does the command/subscription bookkeeping and re-subscribes after a reconnect. We supply its
// createSocket (built on `ws`) and keep the retry policy here: exponential backoff, an auth deadline (a socket that
// opens but never reaches auth_ok is not "connected"), and a heartbeat (heartbeat.ts) for half-open sockets.
// What Home Assistant looks like is kept by the entity mirror (entity-mirror.ts), fed from subscribe_entities rather
// than the library's entities collection, because that collection merges the post-reconnect snapshot into its old
// state: entities removed while we were away would linger. Registries (registries.ts) and service calls
// (service-calls.ts) have their own modules; this class runs the connection and puts them together.
import type { Logger } from '../log';
import { EntityMirror } from './entity-mirror';
import { haws, type HawsConnection, type HawsSocket } from './haws';
import { Heartbeat } from './heartbeat';
import { fetchRegistries, refetchRegistry, subscribeRegistryUpdates, type RegistryKind } from './registries';
import { callService, notConnectedError } from './service-calls';
import { openHaSocket, SocketFailure } from './socket';
import {
  HaError,
  type CallServiceResult,
  type HaStatus,
  type HassRegistries,
  type HassState,
  type HassStateChange,
  type HomeAssistantConnection,
  type ServiceTarget,
} from './types';

export interface HaConnectionOptions {
  /** ws(s)://host/api/websocket (http(s):// base URLs are accepted too). */
  url: string;
  token: string;
  log: Logger;
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /** start() resolves (connected=false, still retrying) when the first sync has not finished by then. Default 10 s. */
  startTimeoutMs?: number;
  /** Deadline for one connection attempt to reach auth_ok, and for the first sync after it. Default 10 s. */
  authTimeoutMs?: number;
  /** Ping period; no pong within it forces a reconnect. Default 30 s; 0 disables. */
  heartbeatMs?: number;
  /** A service call without an answer after this long fails. Default 30 s. */
  callTimeoutMs?: number;
}

interface HaErrorPayload {
  code?: unknown;
  message?: unknown;
}

const NEVER = new Promise<never>(() => undefined);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function normalizeHaUrl(url: string): string {
  let u = url.trim().replace(/^http(s?):\/\//, 'ws$1://');
  if (!/\/(api\/websocket|core\/websocket|websocket)$/.test(u)) u = `${u.replace(/\/$/, '')}/api/websocket`;
  return u;
}

export class HaConnection implements HomeAssistantConnection {
  private readonly url: string;
  private readonly token: string;
  private readonly log: Logger;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly startTimeout: number;
  private readonly authTimeout: number;
  private readonly callTimeout: number;

  private conn: HawsConnection | null = null;
  private readonly mirror = new EntityMirror({
    change: (change) => this.emit(change),
    snapshot: () => {
      const w = this.snapshotWaiter;
      this.snapshotWaiter = null;
      w?.();
    },
    ignored: (entityId, reason) => this.log.warn(entityId === null ? {} : { entity_id: entityId }, reason),
  });
  private readonly stateListeners = new Set<(c: HassStateChange) => void>();
  private readonly statusListeners = new Set<(s: HaStatus) => void>();
  private current: HaStatus;
  private stopped = true;
  private starting = false;
  private attempt = 0;
  private generation = 0;
  private snapshotWaiter: (() => void) | null = null;
  private abort: AbortController | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private sleepResolve: (() => void) | null = null;
  private readonly heartbeat: Heartbeat;
  private readonly pending = new Set<NodeJS.Timeout>();
  private firstSync: { resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(opts: HaConnectionOptions) {
    this.url = normalizeHaUrl(opts.url);
    this.token = opts.token;
    this.log = opts.log;
    this.minDelay = Math.max(1, opts.reconnect?.minDelayMs ?? 500);
    this.maxDelay = Math.max(this.minDelay, opts.reconnect?.maxDelayMs ?? 30_000);
    this.startTimeout = opts.startTimeoutMs ?? 10_000;
    this.authTimeout = opts.authTimeoutMs ?? 10_000;
    this.callTimeout = opts.callTimeoutMs ?? 30_000;
    this.heartbeat = new Heartbeat(
      opts.heartbeatMs ?? 30_000,
      () => this.conn,
      (conn) => {
        if (this.conn === conn && !this.stopped) {
          this.log.warn('Home Assistant did not answer a ping; reconnecting');
          conn.reconnect(true);
        }
      },
    );
    this.current = { connected: false, detail: `not started (${this.url})`, ha_version: null, connects: 0 };
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.starting = true;
    this.attempt = 0;
    this.setStatus({ connected: false, detail: `connecting to Home Assistant at ${this.url}` });
    const synced = new Promise<void>((resolve, reject) => {
      this.firstSync = { resolve, reject };
    });
    void this.connectFirst();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.startTimeout);
    });
    try {
      const outcome = await Promise.race([synced.then(() => 'ok' as const), timeout]);
      if (outcome === 'timeout') {
        this.log.warn(
          { url: this.url, detail: this.current.detail },
          'Home Assistant not reachable yet; continuing to retry in the background',
        );
        synced.catch((err: Error) => this.log.error({ err: err.message }, 'Home Assistant connection failed'));
      }
    } finally {
      clearTimeout(timer);
      this.starting = false;
    }
  }

  private async connectFirst(): Promise<void> {
    let conn: HawsConnection;
    try {
      conn = await haws.createConnection({ setupRetry: -1, createSocket: () => this.createSocket() });
    } catch (err) {
      const msg = err instanceof SocketFailure ? err.message : `could not connect (${String(err)})`;
      this.stopped = true;
      this.setStatus({ connected: false, detail: msg });
      this.firstSync?.reject(new HaError('auth_invalid', `${msg} (${this.url}); check the Home Assistant access token`));
      this.firstSync = null;
      return;
    }
    if (this.stopped) {
      conn.close();
      return;
    }
    this.conn = conn;
    conn.addEventListener('ready', () => {
      void this.resync('reconnected');
    });
    conn.addEventListener('disconnected', () => this.onDisconnected());
    const gen = ++this.generation;
    this.mirror.expectSnapshot();
    const snapshot = this.waitSnapshot();
    try {
      await conn.subscribeMessage<unknown>((m) => this.mirror.apply(m), { type: 'subscribe_entities' });
      await subscribeRegistryUpdates(conn, (kind) => {
        void this.refreshRegistry(kind);
      });
      await this.finishSync(gen, snapshot, 'connected');
    } catch (err) {
      snapshot.catch(() => undefined);
      if (gen !== this.generation || this.stopped) return;
      this.log.warn({ err: (err as HaErrorPayload)?.message ?? String(err) }, 'first sync with Home Assistant failed; reconnecting');
      conn.reconnect(true);
    }
  }

  /** The library's createSocket: retries forever with backoff, except that a wrong token during start() is final. */
  private async createSocket(): Promise<HawsSocket> {
    for (;;) {
      if (this.stopped) return NEVER;
      this.attempt++;
      this.abort = new AbortController();
      try {
        const sock = await openHaSocket({ url: this.url, token: this.token, timeoutMs: this.authTimeout, signal: this.abort.signal });
        this.abort = null;
        if (this.stopped) {
          sock.close();
          return NEVER;
        }
        return sock;
      } catch (err) {
        this.abort = null;
        if (this.stopped) return NEVER;
        const failure = err instanceof SocketFailure ? err : new SocketFailure('error', String(err));
        if (failure.kind === 'auth_invalid' && this.starting && this.current.connects === 0) throw failure;
        const delay = failure.kind === 'auth_invalid' ? this.maxDelay : this.backoff();
        this.setStatus({ connected: false, detail: `reconnecting (attempt ${this.attempt}): ${failure.message}` });
        this.log.warn({ attempt: this.attempt, retry_in_ms: delay, reason: failure.message }, 'Home Assistant connection attempt failed');
        await this.sleep(delay);
      }
    }
  }

  private backoff(): number {
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(20, this.attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepResolve = resolve;
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.sleepResolve = null;
        resolve();
      }, ms);
    });
  }

  private onDisconnected(): void {
    this.generation++;
    this.heartbeat.stop();
    if (this.snapshotWaiter) {
      this.snapshotWaiter = null;
    }
    if (this.stopped) return;
    this.attempt = 0;
    this.setStatus({ connected: false, detail: `reconnecting (attempt 1): lost the connection to Home Assistant at ${this.url}` });
    this.log.warn({ url: this.url }, 'lost the connection to Home Assistant; reconnecting');
  }

  /** After the library re-established the socket and re-sent our subscriptions: registries and the snapshot diff. */
  private async resync(why: string): Promise<void> {
    if (this.stopped || !this.conn) return;
    const gen = ++this.generation;
    this.mirror.expectSnapshot();
    const snapshot = this.waitSnapshot();
    try {
      await this.finishSync(gen, snapshot, why);
    } catch (err) {
      if (gen !== this.generation || this.stopped) return;
      this.log.warn({ err: (err as Error).message }, 'resync with Home Assistant failed; reconnecting');
      this.conn?.reconnect(true);
    }
  }

  private waitSnapshot(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        reject(new Error(`no entity snapshot from Home Assistant within ${this.authTimeout} ms`));
      }, this.authTimeout);
      this.pending.add(timer);
      this.snapshotWaiter = () => {
        clearTimeout(timer);
        this.pending.delete(timer);
        resolve();
      };
    });
  }

  private async finishSync(gen: number, snapshot: Promise<void>, why: string): Promise<void> {
    const conn = this.conn!;
    const [regs] = await Promise.all([fetchRegistries(conn, this.log), snapshot]);
    if (gen !== this.generation || this.stopped) return;
    this.mirror.setRegistries(regs);
    const version = conn.haVersion;
    this.attempt = 0;
    this.setStatus({
      connected: true,
      detail: `connected to Home Assistant ${version} at ${this.url}`,
      ha_version: version,
      connects: this.current.connects + 1,
    });
    this.log.info({ url: this.url, ha_version: version, entities: this.mirror.size, why }, 'Home Assistant in sync');
    this.heartbeat.start();
    this.firstSync?.resolve();
    this.firstSync = null;
  }

  async stop(): Promise<void> {
    if (this.stopped && !this.conn) return;
    this.stopped = true;
    this.generation++;
    this.abort?.abort();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    this.sleepResolve?.();
    this.sleepResolve = null;
    this.heartbeat.stop();
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.snapshotWaiter = null;
    this.firstSync?.reject(new HaError('not_connected', 'stopped before Home Assistant was reached'));
    this.firstSync = null;
    const conn = this.conn;
    this.conn = null;
    if (conn) {
      const sock = conn.socket as unknown as { terminate?: () => void } | undefined;
      conn.close();
      sock?.terminate?.();
    }
    this.setStatus({ connected: false, detail: 'stopped' });
  }

  // ---- status ----

  status(): HaStatus {
    return { ...this.current };
  }

  private setStatus(patch: Partial<HaStatus>): void {
    const next = { ...this.current, ...patch };
    if (sameJson(next, this.current)) return;
    this.current = next;
    for (const fn of [...this.statusListeners]) {
      try {
        fn({ ...next });
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'status listener failed');
      }
    }
  }

  onStatus(fn: (status: HaStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => {
      this.statusListeners.delete(fn);
    };
  }

  // ---- entity mirror ----

  states(): ReadonlyMap<string, HassState> {
    return this.mirror.states();
  }

  getState(entityId: string): HassState | undefined {
    return this.mirror.get(entityId);
  }

  onStateChange(fn: (change: HassStateChange) => void): () => void {
    this.stateListeners.add(fn);
    return () => {
      this.stateListeners.delete(fn);
    };
  }

  private emit(change: HassStateChange): void {
    for (const fn of [...this.stateListeners]) {
      try {
        fn(change);
      } catch (err) {
        this.log.error({ err: (err as Error).message, entity_id: change.entity_id }, 'state listener failed');
      }
    }
  }

  // ---- registries ----

  registries(): HassRegistries {
    return this.mirror.registries();
  }

  private async refreshRegistry(kind: RegistryKind): Promise<void> {
    const conn = this.conn;
    if (!conn?.connected) return;
    const rows = await refetchRegistry(conn, kind, this.log);
    if (rows) this.mirror.setRegistry(kind, rows);
  }

  // ---- services ----

  async callService(
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: ServiceTarget,
    returnResponse?: boolean,
  ): Promise<CallServiceResult> {
    const conn = this.conn;
    if (!conn?.connected) {
      const why = this.stopped
        ? 'stopped'
        : this.current.detail.startsWith('reconnecting')
          ? `reconnecting, attempt ${Math.max(1, this.attempt)}`
          : this.current.detail;
      throw notConnectedError(why);
    }
    return callService(conn, { domain, service, data, target, returnResponse }, this.callTimeout);
  }
}
