// A protocol-faithful Home Assistant: the WebSocket API (auth phase, commands, coalescing, subscriptions)
// and the REST API over one HTTP server, backed by HomeModel. Real clients (home-assistant-js-websocket,
// the butler) talk to it unchanged; stop()/start() simulate Home Assistant restarting on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type SharpModule from 'sharp';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import type { HassState } from '../../ha/types';
import { HomeError } from './errors';
import {
  HomeModel,
  compressState,
  newContext,
  stateDiff,
  DEMO_USER_ID,
  type HomeEvent,
  type NotificationRecord,
  type ServiceCallRecord,
  type ServiceTargetInput,
} from './model';
import type { DemoHomeSeed } from './seed';

export interface DemoHomeOptions {
  port?: number;
  host?: string;
  token: string;
  log?: Logger;
  /** Another home than the default demo seed. */
  seed?: DemoHomeSeed;
  /** Close a socket that has not authenticated within this time (HA: 10 s). */
  authTimeoutMs?: number;
}

export interface DemoHome {
  /** ws://host:port/api/websocket */
  readonly url: string;
  /** http://host:port */
  readonly httpUrl: string;
  readonly port: number;
  readonly token: string;
  readonly model: HomeModel;
  /** Every service call received (WebSocket and REST), oldest first. */
  readonly serviceCalls: ServiceCallRecord[];
  /** Messages sent through notify.* services. */
  readonly notifications: NotificationRecord[];
  /** Listen again on the same port (Home Assistant coming back after a restart). */
  start(): Promise<void>;
  /** Close every client socket and stop listening (a Home Assistant shutdown). */
  stop(): Promise<void>;
  getState(entityId: string): HassState | undefined;
  /** A device changing by itself: attributes are merged into the current ones; fires state_changed. */
  setState(entityId: string, state: string, attributes?: Record<string, unknown>): HassState;
  removeState(entityId: string): boolean;
  /** Authenticated WebSocket clients. */
  connections(): number;
  /** Simulate a hung Home Assistant: stop reading from every connected client (sockets stay open, nothing answers). */
  freeze(): void;
  /** Simulate a cut connection (a network drop): every client socket is destroyed, no close frame, and new
   *  connections are refused until restore(). The home itself (states, service calls) lives on. */
  drop(): void;
  /** Accept connections again after drop(). */
  restore(): void;
}

interface Incoming {
  id?: unknown;
  type?: unknown;
  [key: string]: unknown;
}

const AUTH_INVALID_TOKEN = 'Invalid access token or password';

function describeAuthProblem(msg: unknown): string | null {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return 'expected a dictionary';
  const m = msg as Record<string, unknown>;
  if (m.type !== 'auth') return `value must be one of ['auth'] for dictionary value @ data['type']. Got ${JSON.stringify(m.type ?? null)}`;
  for (const key of Object.keys(m)) {
    if (key !== 'type' && key !== 'access_token' && key !== 'api_password') return `extra keys not allowed @ data['${key}']`;
  }
  if (m.access_token === undefined && m.api_password === undefined) return 'must contain at least one of access_token, api_password.';
  if (m.access_token !== undefined && typeof m.access_token !== 'string') return "expected str for dictionary value @ data['access_token']";
  return null;
}

class Session {
  authed = false;
  private lastId = 0;
  private coalesce = false;
  private queue: unknown[] = [];
  private flushScheduled = false;
  private readonly subs = new Map<number, () => void>();
  private authTimer: NodeJS.Timeout | null;

  constructor(
    private readonly ws: WebSocket,
    private readonly home: DemoHomeServer,
  ) {
    this.authTimer = setTimeout(() => {
      this.home.log.info('websocket client did not authenticate in time: closing');
      this.ws.close();
    }, home.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => this.home.log.debug({ err: err.message }, 'websocket client error'));
    this.sendNow({ type: 'auth_required', ha_version: home.model.seed.ha_version });
  }

  dispose(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    for (const unsub of this.subs.values()) unsub();
    this.subs.clear();
    this.queue = [];
    this.home.sessions.delete(this);
  }

  private sendNow(msg: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** With coalesce_messages on, everything queued in one tick leaves as one JSON array. */
  send(msg: unknown): void {
    if (!this.coalesce) {
      this.sendNow(msg);
      return;
    }
    this.queue.push(msg);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = this.queue;
      this.queue = [];
      if (batch.length === 0) return;
      this.sendNow(batch.length === 1 ? batch[0] : batch);
    });
  }

  private result(id: number, result: unknown): void {
    this.send({ id, type: 'result', success: true, result });
  }

  private error(id: unknown, code: string, message: string): void {
    this.send({ id, type: 'result', success: false, error: { code, message } });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.home.log.info('received a binary websocket frame: disconnecting');
      this.ws.close(1003, 'Received non-Text message.');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      this.home.log.info('received invalid JSON: disconnecting');
      this.ws.close(1003, 'Received invalid JSON.');
      return;
    }
    if (!this.authed) {
      this.onAuth(msg);
      return;
    }
    if (Array.isArray(msg)) for (const m of msg) this.onCommand(m);
    else this.onCommand(msg);
  }

  private onAuth(msg: unknown): void {
    const problem = describeAuthProblem(msg);
    if (problem) {
      this.sendNow({ type: 'auth_invalid', message: `Auth message incorrectly formatted: ${problem}` });
      this.ws.close();
      return;
    }
    if ((msg as { access_token?: unknown }).access_token !== this.home.token) {
      this.home.log.warn('websocket login attempt with an invalid token');
      this.sendNow({ type: 'auth_invalid', message: AUTH_INVALID_TOKEN });
      this.ws.close();
      return;
    }
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.authed = true;
    this.sendNow({ type: 'auth_ok', ha_version: this.home.model.seed.ha_version });
  }

  private onCommand(raw: unknown): void {
    const msg = raw as Incoming;
    const valid =
      typeof raw === 'object' &&
      raw !== null &&
      !Array.isArray(raw) &&
      Number.isInteger(msg.id) &&
      (msg.id as number) > 0 &&
      typeof msg.type === 'string' &&
      msg.type !== '';
    if (!valid) {
      const id = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (msg.id ?? null) : 0;
      this.error(id, 'invalid_format', 'Message incorrectly formatted.');
      return;
    }
    const id = msg.id as number;
    const type = msg.type as string;
    if (id <= this.lastId) {
      this.error(id, 'id_reuse', 'Identifier values have to increase.');
      return;
    }
    const handler = this.handlers[type];
    if (!handler) {
      this.error(id, 'unknown_command', 'Unknown command.');
      return;
    }
    try {
      handler(id, msg);
    } catch (err) {
      if (err instanceof HomeError) this.error(id, err.code, err.message);
      else {
        this.home.log.error({ err: (err as Error).message, type }, 'error handling a websocket command');
        this.error(id, 'unknown_error', 'Unknown error');
      }
    }
    this.lastId = id;
  }

  private subscribe(id: number, unsub: () => void): void {
    this.subs.set(id, unsub);
  }

  private readonly handlers: Record<string, (id: number, msg: Incoming) => void> = {
    supported_features: (id, msg) => {
      const features = msg.features;
      if (typeof features !== 'object' || features === null)
        throw new HomeError('invalid_format', "required key not provided @ data['features']");
      this.coalesce = Boolean((features as Record<string, unknown>).coalesce_messages);
      this.result(id, null);
    },
    ping: (id) => this.send({ id, type: 'pong' }),
    get_states: (id) => this.result(id, this.home.model.states()),
    get_config: (id) => this.result(id, this.home.model.config()),
    get_services: (id) => this.result(id, this.home.model.services()),
    'auth/current_user': (id) =>
      this.result(id, {
        id: DEMO_USER_ID,
        name: 'Paulus',
        is_owner: true,
        is_admin: true,
        credentials: [{ auth_provider_type: 'homeassistant', auth_provider_id: null }],
        mfa_modules: [],
      }),
    'config/area_registry/list': (id) => this.result(id, this.home.model.areaList()),
    'config/floor_registry/list': (id) => this.result(id, this.home.model.floorList()),
    'config/device_registry/list': (id) => this.result(id, this.home.model.deviceList()),
    // Home Assistant has labels since 2024.4; the demo home defines none, and clients list them on connect.
    'config/label_registry/list': (id) => this.result(id, []),
    'config/entity_registry/list': (id) => this.result(id, this.home.model.entityList()),
    'config/entity_registry/get_entries': (id, msg) => {
      const ids = msg.entity_ids;
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) {
        throw new HomeError('invalid_format', "expected a list of entity ids for dictionary value @ data['entity_ids']");
      }
      this.result(id, this.home.model.entityEntries(ids as string[]));
    },
    'config/entity_registry/update': (id, msg) => {
      if (typeof msg.entity_id !== 'string') throw new HomeError('invalid_format', "required key not provided @ data['entity_id']");
      let entityId = msg.entity_id;
      if (msg.new_entity_id !== undefined) {
        if (typeof msg.new_entity_id !== 'string')
          throw new HomeError('invalid_format', "expected str for dictionary value @ data['new_entity_id']");
        this.home.model.renameEntity(entityId, msg.new_entity_id);
        entityId = msg.new_entity_id;
      }
      const patch: { name?: string | null; aliases?: string[]; area_id?: string | null } = {};
      if (msg.name !== undefined) patch.name = msg.name as string | null;
      if (msg.aliases !== undefined) patch.aliases = msg.aliases as string[];
      if (msg.area_id !== undefined) patch.area_id = msg.area_id as string | null;
      if (Object.keys(patch).length) this.home.model.updateEntityEntry(entityId, patch);
      this.result(id, { entity_entry: this.home.model.entityEntries([entityId])[entityId] });
    },
    'config/entity_registry/remove': (id, msg) => {
      if (typeof msg.entity_id !== 'string') throw new HomeError('invalid_format', "required key not provided @ data['entity_id']");
      this.home.model.removeEntity(msg.entity_id);
      this.result(id, null);
    },
    call_service: (id, msg) => {
      if (typeof msg.domain !== 'string') throw new HomeError('invalid_format', "required key not provided @ data['domain']");
      if (typeof msg.service !== 'string') throw new HomeError('invalid_format', "required key not provided @ data['service']");
      const data = msg.service_data ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new HomeError('invalid_format', "expected dict for dictionary value @ data['service_data']");
      }
      const target = msg.target ?? null;
      if (target !== null && (typeof target !== 'object' || Array.isArray(target))) {
        throw new HomeError('invalid_format', "expected dict for dictionary value @ data['target']");
      }
      const context = newContext(DEMO_USER_ID);
      const returnResponse = msg.return_response === true;
      const out = this.home.model.callService(
        msg.domain,
        msg.service,
        data as Record<string, unknown>,
        target as ServiceTargetInput | null,
        returnResponse,
        context,
      );
      this.result(id, returnResponse ? { context, response: out.response } : { context });
    },
    subscribe_events: (id, msg) => {
      const eventType = msg.event_type;
      if (eventType !== undefined && typeof eventType !== 'string') {
        throw new HomeError('invalid_format', "expected str for dictionary value @ data['event_type']");
      }
      const unsub = this.home.model.onEvent((ev: HomeEvent) => {
        if (eventType === undefined || eventType === '*' || ev.event_type === eventType) this.send({ id, type: 'event', event: ev });
      });
      this.subscribe(id, unsub);
      this.result(id, null);
    },
    subscribe_entities: (id, msg) => {
      const filter = msg.entity_ids;
      if (filter !== undefined && (!Array.isArray(filter) || !filter.every((x) => typeof x === 'string'))) {
        throw new HomeError('invalid_format', "expected a list of entity ids for dictionary value @ data['entity_ids']");
      }
      const wanted = filter ? new Set(filter as string[]) : null;
      const unsub = this.home.model.onEvent((ev) => {
        if (ev.event_type !== 'state_changed') return;
        const { entity_id, old_state, new_state } = ev.data as {
          entity_id: string;
          old_state: HassState | null;
          new_state: HassState | null;
        };
        if (wanted && !wanted.has(entity_id)) return;
        let event: Record<string, unknown>;
        if (!new_state) event = { r: [entity_id] };
        else if (!old_state) event = { a: { [entity_id]: compressState(new_state) } };
        else event = { c: { [entity_id]: stateDiff(old_state, new_state) } };
        this.send({ id, type: 'event', event });
      });
      this.subscribe(id, unsub);
      this.result(id, null);
      const a: Record<string, unknown> = {};
      for (const st of this.home.model.states()) if (!wanted || wanted.has(st.entity_id)) a[st.entity_id] = compressState(st);
      this.send({ id, type: 'event', event: { a } });
    },
    unsubscribe_events: (id, msg) => {
      const sub = msg.subscription;
      if (!Number.isInteger(sub)) throw new HomeError('invalid_format', "expected int for dictionary value @ data['subscription']");
      const unsub = this.subs.get(sub as number);
      if (!unsub) throw new HomeError('not_found', 'Subscription not found.');
      unsub();
      this.subs.delete(sub as number);
      this.result(id, null);
    },
  };
}

class DemoHomeServer implements DemoHome {
  readonly model: HomeModel;
  readonly log: Logger;
  readonly token: string;
  readonly authTimeoutMs: number;
  readonly sessions = new Set<Session>();
  private readonly host: string;
  private boundPort: number;
  private http: Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  constructor(opts: DemoHomeOptions) {
    if (!opts.token) throw new Error('startDemoHome: token is required');
    this.token = opts.token;
    this.log = opts.log ?? silentLogger();
    this.host = opts.host ?? '127.0.0.1';
    this.boundPort = opts.port ?? 0;
    this.authTimeoutMs = opts.authTimeoutMs ?? 10_000;
    this.model = new HomeModel({ seed: opts.seed });
  }

  get port(): number {
    return this.boundPort;
  }
  get url(): string {
    return `ws://${this.hostForUrl()}:${this.boundPort}/api/websocket`;
  }
  get httpUrl(): string {
    return `http://${this.hostForUrl()}:${this.boundPort}`;
  }
  get serviceCalls(): ServiceCallRecord[] {
    return this.model.serviceCalls;
  }
  get notifications(): NotificationRecord[] {
    return this.model.notifications;
  }

  private hostForUrl(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  getState(entityId: string): HassState | undefined {
    return this.model.getState(entityId);
  }

  setState(entityId: string, state: string, attributes?: Record<string, unknown>): HassState {
    return this.model.setState(entityId, state, attributes);
  }

  removeState(entityId: string): boolean {
    return this.model.removeState(entityId);
  }

  connections(): number {
    let n = 0;
    for (const s of this.sessions) if (s.authed) n++;
    return n;
  }

  freeze(): void {
    for (const sock of this.sockets) sock.pause();
  }

  drop(): void {
    this.refusing = true;
    for (const sock of this.sockets) sock.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  async start(): Promise<void> {
    if (this.http) return;
    const http = createServer((req, res) => {
      this.handleHttp(req, res).catch((err: Error) => {
        this.log.error({ err: err.message }, 'demo home REST error');
        if (!res.headersSent) this.json(res, 500, { message: 'Internal Server Error' });
      });
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
    http.on('connection', (sock: Socket) => {
      if (this.refusing) {
        sock.destroy();
        return;
      }
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    http.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/api/websocket') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.sessions.add(new Session(ws, this)));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.boundPort, this.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const addr = http.address();
    if (addr && typeof addr === 'object') this.boundPort = addr.port;
    this.http = http;
    this.wss = wss;
    this.log.info({ url: this.url }, 'demo home listening');
  }

  async stop(): Promise<void> {
    const http = this.http,
      wss = this.wss;
    if (!http || !wss) return;
    this.http = null;
    this.wss = null;
    const clients = [...wss.clients];
    await Promise.all(
      clients.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) {
              resolve();
              return;
            }
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 500);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(1001, 'Home Assistant is shutting down');
          }),
      ),
    );
    for (const s of [...this.sessions]) s.dispose();
    await new Promise<void>((resolve) => {
      wss.close(() => resolve());
    });
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    this.log.info('demo home stopped');
  }

  // ---- REST ----

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) return { ok: false, message: 'Request body too large (limit 1 MB).' };
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (text === '') return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, message: 'Data should be valid JSON.' };
    }
  }

  private picture: Promise<Buffer> | null = null;

  /** The demo cameras' picture: a 1280×720 JPEG made once, when first asked for. */
  private cameraPicture(): Promise<Buffer> {
    const sharp = require('sharp') as typeof SharpModule;
    this.picture ??= sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 120, g: 100, b: 80 } } })
      .jpeg({ quality: 85 })
      .toBuffer();
    return this.picture;
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (!path.startsWith('/api/') && path !== '/api') {
      this.json(res, 404, { message: 'Not found' });
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('401: Unauthorized');
      return;
    }
    if (path === '/api/' || path === '/api') {
      if (method !== 'GET') {
        this.json(res, 405, { message: 'Method not allowed' });
        return;
      }
      this.json(res, 200, { message: 'API running.' });
      return;
    }
    if (path === '/api/config' && method === 'GET') {
      this.json(res, 200, this.model.config());
      return;
    }
    if (path === '/api/states' && method === 'GET') {
      this.json(res, 200, this.model.states());
      return;
    }
    if (path === '/api/services' && method === 'GET') {
      this.json(
        res,
        200,
        Object.entries(this.model.services()).map(([domain, services]) => ({ domain, services })),
      );
      return;
    }
    // GET /api/camera_proxy/<entity_id>: the camera's current picture (a real JPEG); 404 for an unknown or non-camera
    // entity, 503 when the camera is off or unavailable, as Home Assistant answers.
    const proxyMatch = /^\/api\/camera_proxy\/([^/]+)$/.exec(path);
    if (proxyMatch && method === 'GET') {
      const entityId = decodeURIComponent(proxyMatch[1]!);
      const st = entityId.startsWith('camera.') ? this.model.getState(entityId) : undefined;
      if (!st) {
        this.json(res, 404, { message: 'Entity not found.' });
        return;
      }
      if (st.state === 'off' || st.state === 'unavailable') {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('503: Service Unavailable');
        return;
      }
      const image = await this.cameraPicture();
      res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': image.length });
      res.end(image);
      return;
    }
    const stateMatch = /^\/api\/states\/([^/]+)$/.exec(path);
    if (stateMatch) {
      const entityId = decodeURIComponent(stateMatch[1]!);
      if (method === 'GET') {
        const st = this.model.getState(entityId);
        if (st) this.json(res, 200, st);
        else this.json(res, 404, { message: 'Entity not found.' });
        return;
      }
      if (method === 'POST') {
        const body = await this.readJson(req);
        if (!body.ok) {
          this.json(res, 400, { message: body.message });
          return;
        }
        const v = body.value as { state?: unknown; attributes?: unknown } | undefined;
        if (!v || typeof v !== 'object' || typeof v.state !== 'string') {
          this.json(res, 400, { message: 'No state specified.' });
          return;
        }
        if (v.attributes !== undefined && (typeof v.attributes !== 'object' || v.attributes === null || Array.isArray(v.attributes))) {
          this.json(res, 400, { message: 'attributes should be a dictionary.' });
          return;
        }
        const existed = this.model.getState(entityId) !== undefined;
        try {
          const st = this.model.setState(entityId, v.state, (v.attributes as Record<string, unknown> | undefined) ?? {}, { merge: false });
          this.json(res, existed ? 200 : 201, st);
        } catch (err) {
          this.json(res, 400, { message: (err as Error).message });
        }
        return;
      }
      this.json(res, 405, { message: 'Method not allowed' });
      return;
    }
    const svcMatch = /^\/api\/services\/([^/]+)\/([^/]+)$/.exec(path);
    if (svcMatch && method === 'POST') {
      const body = await this.readJson(req);
      if (!body.ok) {
        this.json(res, 400, { message: body.message });
        return;
      }
      const data = body.value ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        this.json(res, 400, { message: 'Data should be a JSON object.' });
        return;
      }
      const returnResponse = url.searchParams.has('return_response');
      const changed: HassState[] = [];
      const unsub = this.model.onEvent((ev) => {
        const ns = ev.data.new_state as HassState | null | undefined;
        if (ev.event_type === 'state_changed' && ns) changed.push(ns);
      });
      try {
        const out = this.model.callService(svcMatch[1]!, svcMatch[2]!, data as Record<string, unknown>, null, returnResponse);
        this.json(res, 200, returnResponse ? { changed_states: changed, service_response: out.response ?? null } : changed);
      } catch (err) {
        if (err instanceof HomeError) this.json(res, 400, { message: err.message, code: err.code });
        else throw err;
      } finally {
        unsub();
      }
      return;
    }
    this.json(res, 404, { message: 'Not found' });
  }
}

/** Start the demo home (listening at once). */
export async function startDemoHome(opts: DemoHomeOptions): Promise<DemoHome> {
  const home = new DemoHomeServer(opts);
  await home.start();
  return home;
}
