// The butler's live connection to Home Assistant, on home-assistant-js-websocket.
//
// The library does the command/subscription bookkeeping and re-subscribes after a reconnect. We supply its
// createSocket (built on `ws`) and keep the retry policy here: exponential backoff, an auth deadline (a socket that
// opens but never reaches auth_ok is not "connected"), and a heartbeat for half-open sockets. The entity mirror reads
// subscribe_entities itself rather than through the library's entities collection, because that collection merges
// the post-reconnect snapshot into its old state: entities removed while we were away would linger. Here the first
// message after every (re)subscribe is treated as the full truth and diffed against the mirror.
import type { Logger } from '../log';
import {
  HaError,
  type CallServiceResult,
  type HaStatus,
  type HassArea,
  type HassContext,
  type HassDevice,
  type HassEntityEntry,
  type HassFloor,
  type HassRegistries,
  type HassState,
  type HassStateChange,
  type HomeAssistantConnection,
  type ServiceTarget,
} from './types';
import { haws, type HawsConnection, type HawsSocket } from './haws';
import { openHaSocket, SocketFailure } from './socket';

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

interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  c: string | HassContext;
  lc: number;
  lu?: number;
}

interface CompressedDiff {
  '+'?: { s?: string; a?: Record<string, unknown>; c?: string | Partial<HassContext>; lc?: number; lu?: number };
  '-'?: { a?: string[] };
}

interface EntitiesMessage {
  a?: Record<string, CompressedState>;
  r?: string[];
  c?: Record<string, CompressedDiff>;
}

interface HaErrorPayload {
  code?: unknown;
  message?: unknown;
}

const REGISTRY_EVENTS = ['area_registry_updated', 'floor_registry_updated', 'device_registry_updated', 'entity_registry_updated'] as const;
type RegistryKind = 'areas' | 'floors' | 'devices' | 'entities';
const EVENT_TO_KIND: Record<(typeof REGISTRY_EVENTS)[number], RegistryKind> = {
  area_registry_updated: 'areas',
  floor_registry_updated: 'floors',
  device_registry_updated: 'devices',
  entity_registry_updated: 'entities',
};

const NEVER = new Promise<never>(() => undefined);

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
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
  private readonly heartbeatMs: number;
  private readonly callTimeout: number;

  private conn: HawsConnection | null = null;
  private mirror = new Map<string, HassState>();
  private regs: HassRegistries = { areas: [], floors: [], devices: [], entities: [] };
  private readonly stateListeners = new Set<(c: HassStateChange) => void>();
  private readonly statusListeners = new Set<(s: HaStatus) => void>();
  private current: HaStatus;
  private stopped = true;
  private starting = false;
  private attempt = 0;
  private generation = 0;
  private awaitingSnapshot = false;
  private snapshotWaiter: (() => void) | null = null;
  private abort: AbortController | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private sleepResolve: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
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
    this.heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.callTimeout = opts.callTimeoutMs ?? 30_000;
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
    this.awaitingSnapshot = true;
    const snapshot = this.waitSnapshot();
    try {
      await conn.subscribeMessage<EntitiesMessage>((m) => this.onEntities(m), { type: 'subscribe_entities' });
      for (const ev of REGISTRY_EVENTS) {
        await conn.subscribeEvents(() => {
          void this.refreshRegistry(EVENT_TO_KIND[ev]);
        }, ev);
      }
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
    this.stopHeartbeat();
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
    this.awaitingSnapshot = true;
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
    const [regs] = await Promise.all([this.fetchRegistries(conn), snapshot]);
    if (gen !== this.generation || this.stopped) return;
    this.regs = regs;
    const version = conn.haVersion;
    this.attempt = 0;
    this.setStatus({
      connected: true,
      detail: `connected to Home Assistant ${version} at ${this.url}`,
      ha_version: version,
      connects: this.current.connects + 1,
    });
    this.log.info({ url: this.url, ha_version: version, entities: this.mirror.size, why }, 'Home Assistant in sync');
    this.startHeartbeat();
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
    this.stopHeartbeat();
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

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.heartbeatMs <= 0) return;
    this.heartbeat = setInterval(() => {
      const conn = this.conn;
      if (!conn?.connected) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), this.heartbeatMs);
      });
      Promise.race([
        conn.ping().then(
          () => 'pong' as const,
          () => 'pong' as const,
        ),
        timeout,
      ]).then(
        (r) => {
          clearTimeout(timer);
          if (r === 'timeout' && this.conn === conn && !this.stopped) {
            this.log.warn('Home Assistant did not answer a ping; reconnecting');
            conn.reconnect(true);
          }
        },
        () => clearTimeout(timer),
      );
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
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
    return this.mirror;
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

  private expand(entityId: string, c: CompressedState): HassState {
    const lc = iso(c.lc);
    return {
      entity_id: entityId,
      state: c.s,
      attributes: c.a ?? {},
      last_changed: lc,
      last_updated: c.lu ? iso(c.lu) : lc,
      context: typeof c.c === 'string' ? { id: c.c, parent_id: null, user_id: null } : c.c,
    };
  }

  private onEntities(msg: EntitiesMessage): void {
    if (this.awaitingSnapshot && msg.a) {
      this.awaitingSnapshot = false;
      this.applySnapshot(msg.a);
      const w = this.snapshotWaiter;
      this.snapshotWaiter = null;
      w?.();
      if (!msg.r && !msg.c) return;
      msg = { r: msg.r, c: msg.c };
    }
    if (msg.a) {
      for (const [id, c] of Object.entries(msg.a)) {
        const next = this.expand(id, c);
        const old = this.mirror.get(id) ?? null;
        this.mirror.set(id, next);
        this.emit({ entity_id: id, old_state: old, new_state: next });
      }
    }
    if (msg.r) {
      for (const id of msg.r) {
        const old = this.mirror.get(id);
        if (!old) continue;
        this.mirror.delete(id);
        this.emit({ entity_id: id, old_state: old, new_state: null });
      }
    }
    if (msg.c) {
      for (const [id, diff] of Object.entries(msg.c)) {
        const old = this.mirror.get(id);
        if (!old) {
          this.log.warn({ entity_id: id }, 'state change for an entity not in the mirror');
          continue;
        }
        const next: HassState = { ...old, attributes: old.attributes };
        const add = diff['+'];
        if (add) {
          if (add.s !== undefined) next.state = add.s;
          if (add.c !== undefined) {
            const base = old.context ?? { id: '', parent_id: null, user_id: null };
            next.context = typeof add.c === 'string' ? { ...base, id: add.c } : { ...base, ...add.c };
          }
          if (add.lc) next.last_changed = next.last_updated = iso(add.lc);
          else if (add.lu) next.last_updated = iso(add.lu);
          if (add.a) next.attributes = { ...old.attributes, ...add.a };
        }
        if (diff['-']?.a) {
          if (next.attributes === old.attributes) next.attributes = { ...old.attributes };
          for (const k of diff['-'].a) delete next.attributes[k];
        }
        this.mirror.set(id, next);
        this.emit({ entity_id: id, old_state: old, new_state: next });
      }
    }
  }

  /** The full truth after a (re)subscribe: emit what differs from the mirror, including removals. */
  private applySnapshot(all: Record<string, CompressedState>): void {
    const next = new Map<string, HassState>();
    const changes: HassStateChange[] = [];
    for (const [id, c] of Object.entries(all)) {
      const st = this.expand(id, c);
      next.set(id, st);
      const old = this.mirror.get(id) ?? null;
      // A restarted HA re-stamps every state; only a different state or attributes is a change worth telling.
      if (!old || old.state !== st.state || !sameJson(old.attributes, st.attributes))
        changes.push({ entity_id: id, old_state: old, new_state: st });
    }
    for (const [id, old] of this.mirror) if (!next.has(id)) changes.push({ entity_id: id, old_state: old, new_state: null });
    this.mirror = next;
    for (const ch of changes) this.emit(ch);
  }

  // ---- registries ----

  registries(): HassRegistries {
    return this.regs;
  }

  private async fetchRegistries(conn: HawsConnection): Promise<HassRegistries> {
    const [areas, floors, devices, entities] = await Promise.all([
      this.fetchKind(conn, 'areas'),
      this.fetchKind(conn, 'floors'),
      this.fetchKind(conn, 'devices'),
      this.fetchKind(conn, 'entities'),
    ]);
    return { areas, floors, devices, entities } as HassRegistries;
  }

  private async fetchKind(conn: HawsConnection, kind: RegistryKind): Promise<HassRegistries[RegistryKind]> {
    const cmd = {
      areas: 'config/area_registry/list',
      floors: 'config/floor_registry/list',
      devices: 'config/device_registry/list',
      entities: 'config/entity_registry/list',
    }[kind];
    let rows: Record<string, unknown>[];
    try {
      rows = await conn.sendMessagePromise<Record<string, unknown>[]>({ type: cmd });
    } catch (err) {
      // floor_registry only exists since 2024.4; an older HA just has no floors.
      if ((err as HaErrorPayload)?.code === 'unknown_command') return [];
      throw err;
    }
    if (!Array.isArray(rows)) return [];
    switch (kind) {
      case 'areas':
        return rows.map(
          (r): HassArea => ({
            area_id: String(r.area_id),
            name: String(r.name ?? r.area_id),
            floor_id: str(r.floor_id),
            aliases: strList(r.aliases),
          }),
        );
      case 'floors':
        return rows.map(
          (r): HassFloor => ({
            floor_id: String(r.floor_id),
            name: String(r.name ?? r.floor_id),
            level: typeof r.level === 'number' ? r.level : null,
            aliases: strList(r.aliases),
          }),
        );
      case 'devices':
        return rows.map(
          (r): HassDevice => ({
            id: String(r.id),
            name: str(r.name),
            name_by_user: str(r.name_by_user),
            area_id: str(r.area_id),
            manufacturer: str(r.manufacturer),
            model: str(r.model),
          }),
        );
      case 'entities': {
        const entries = rows.map(
          (r): HassEntityEntry => ({
            entity_id: String(r.entity_id),
            name: str(r.name),
            original_name: str(r.original_name),
            area_id: str(r.area_id),
            device_id: str(r.device_id),
            aliases: [],
            platform: str(r.platform) ?? undefined,
            disabled_by: str(r.disabled_by),
            hidden_by: str(r.hidden_by),
          }),
        );
        // The list leaves aliases out; get_entries has them (one round trip for all).
        try {
          const extended = await conn.sendMessagePromise<Record<string, { aliases?: unknown } | null>>({
            type: 'config/entity_registry/get_entries',
            entity_ids: entries.map((e) => e.entity_id),
          });
          for (const e of entries) {
            const x = extended?.[e.entity_id];
            if (x) e.aliases = strList(x.aliases);
          }
        } catch (err) {
          this.log.debug({ err: (err as HaErrorPayload)?.message }, 'entity aliases unavailable');
        }
        return entries;
      }
    }
  }

  private async refreshRegistry(kind: RegistryKind): Promise<void> {
    const conn = this.conn;
    if (!conn?.connected) return;
    try {
      const rows = await this.fetchKind(conn, kind);
      this.regs = { ...this.regs, [kind]: rows };
    } catch (err) {
      this.log.warn({ kind, err: (err as HaErrorPayload)?.message ?? String(err) }, 'registry refresh failed; next resync will retry');
    }
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
      throw new HaError('not_connected', `not connected to Home Assistant (${why})`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HaError('timeout', `Home Assistant did not answer ${domain}.${service} within ${this.callTimeout} ms`)),
        this.callTimeout,
      );
    });
    try {
      const result = await Promise.race([
        haws.callService(conn, domain, service, data, target, returnResponse || undefined) as Promise<CallServiceResult>,
        timeout,
      ]);
      return result;
    } catch (err) {
      throw this.mapError(err, domain, service);
    } finally {
      clearTimeout(timer);
    }
  }

  private mapError(err: unknown, domain: string, service: string): HaError {
    if (err instanceof HaError) return err;
    const e = (typeof err === 'object' && err !== null ? err : { code: err }) as HaErrorPayload;
    const message = typeof e.message === 'string' ? e.message.replace(/\.$/, '') : '';
    if (e.code === haws.ERR_CONNECTION_LOST || message === 'Connection lost') {
      return new HaError(
        'connection_lost',
        `lost the connection to Home Assistant during ${domain}.${service}; it may or may not have run`,
      );
    }
    const code = typeof e.code === 'string' ? e.code : 'unknown_error';
    if (code === 'not_found' && /^Service /.test(message)) return new HaError(code, message);
    return new HaError(code, `Home Assistant rejected ${domain}.${service}: ${message || code}`);
  }
}
