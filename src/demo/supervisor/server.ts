// A Supervisor, as an add-on sees it, fronting a Home Assistant (the demo home or a real one).
//
// Faithful to home-assistant/supervisor `api/*` where the add-on can tell the difference:
// - every request needs `Authorization: Bearer <SUPERVISOR_TOKEN>` (401 otherwise);
// - answers are wrapped `{"result":"ok","data":…}` / `{"result":"error","message":…}`;
// - GET /services/mqtt sends the port as a string;
// - /core/api/* and /core/websocket are proxied to Home Assistant with the Supervisor's own token: like
//   `api/proxy.py`, the WebSocket proxy does the auth handshake with the add-on itself (auth_required,
//   auth with the SUPERVISOR_TOKEN, auth_ok) and then pipes frames both ways untouched;
// - the proxy's quirk: while Home Assistant is down it still ACCEPTS the WebSocket, then closes it (or holds it
//   silent) without ever sending auth_required. A client must not take "socket open" for "Home Assistant ready".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import type { JsonObject } from '../../types';

export interface SupervisorSimulatorOptions {
  port?: number;
  host?: string;
  /** The SUPERVISOR_TOKEN the add-on must present. */
  token: string;
  /** Home Assistant's http(s) base URL (the demo home's `httpUrl`). */
  homeUrl: string;
  /** The token the Supervisor itself uses towards Home Assistant; default: `token`. */
  homeToken?: string;
  /** The broker GET /services/mqtt offers; without it the answer is `result: error`. */
  mqtt?: { host: string; port: number; username?: string; password?: string; ssl?: boolean };
  /** What `haDown(true)` does to a new WebSocket: close it at once (default) or hold it open and silent. */
  downBehaviour?: 'close' | 'silent';
  /** Version reported in /info and in the WebSocket handshake before Home Assistant told us its own. */
  haVersion?: string;
  log?: Logger;
}

export interface DiscoveryRecord {
  uuid: string;
  service: string;
  config: JsonObject;
  /** Slug of the add-on that announced it. */
  addon: string;
}

export interface SupervisorSimulator {
  readonly url: string;
  readonly port: number;
  /** Every POST /discovery accepted, oldest first. */
  readonly discoveries: DiscoveryRecord[];
  /** Requests received, as "METHOD /path" (for tests that want to see who asked what). */
  readonly requests: string[];
  /** Home Assistant down (true) or back (false); going down drops every proxied WebSocket. */
  haDown(flag: boolean): void;
  /** Proxied WebSockets currently open (handshake finished). */
  proxiedSockets(): number;
  stop(): Promise<void>;
}

const ADDON_SLUG = 'smart_butler';

export async function startSupervisorSimulator(opts: SupervisorSimulatorOptions): Promise<SupervisorSimulator> {
  const sim = new Simulator(opts);
  await sim.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return sim;
}

class Simulator implements SupervisorSimulator {
  readonly discoveries: DiscoveryRecord[] = [];
  readonly requests: string[] = [];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private readonly log: Logger;
  private readonly homeBase: string;
  private readonly homeToken: string;
  private down = false;
  private boundPort = 0;
  private boundHost = '127.0.0.1';
  private haVersion: string;
  /** Client socket -> its upstream socket (null while the handshake runs). */
  private readonly pairs = new Map<WebSocket, WebSocket | null>();
  private readonly sockets = new Set<Duplex>();

  constructor(private readonly opts: SupervisorSimulatorOptions) {
    this.log = opts.log ?? silentLogger();
    this.homeBase = opts.homeUrl
      .replace(/\/+$/, '')
      .replace(/^ws/, 'http')
      .replace(/\/api\/websocket$/, '');
    this.homeToken = opts.homeToken ?? opts.token;
    this.haVersion = opts.haVersion ?? '2026.11.0';
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        this.log.error({ err }, 'supervisor simulator: request failed');
        if (!res.headersSent) this.send(res, 500, { result: 'error', message: (err as Error).message });
        else res.destroy();
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    const host = this.boundHost.includes(':') ? `[${this.boundHost}]` : this.boundHost;
    return `http://${host}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        if (addr && typeof addr === 'object') {
          this.boundPort = addr.port;
          this.boundHost = addr.address;
        }
        resolve();
      });
    });
  }

  haDown(flag: boolean): void {
    this.down = flag;
    if (!flag) return;
    for (const [client, upstream] of this.pairs) {
      upstream?.terminate();
      client.close(1012, 'Home Assistant is restarting');
    }
  }

  proxiedSockets(): number {
    return [...this.pairs.values()].filter(Boolean).length;
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    // The Supervisor also accepts X-Supervisor-Token (the older header).
    const token = m?.[1] ?? (typeof req.headers['x-supervisor-token'] === 'string' ? req.headers['x-supervisor-token'] : '');
    return token === this.opts.token;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private ok(res: ServerResponse, data: unknown): void {
    this.send(res, 200, { result: 'ok', data });
  }

  private error(res: ServerResponse, status: number, message: string): void {
    this.send(res, status, { result: 'error', message, data: {} });
  }

  private async readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new Error(`body larger than ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://supervisor');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${path}`);
    if (!this.authorized(req)) {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('401: Unauthorized');
      return;
    }

    if (path === '/core/api' || path.startsWith('/core/api/')) return this.proxyRest(req, res, url);
    if (path === '/core/websocket') return this.error(res, 400, 'Expected a WebSocket upgrade on /core/websocket');

    if (path === '/services/mqtt' && method === 'GET') {
      const m = this.opts.mqtt;
      if (!m) return this.error(res, 400, 'Service not enabled');
      return this.ok(res, {
        addon: 'core_mosquitto',
        host: m.host,
        port: String(m.port),
        ssl: m.ssl ?? false,
        username: m.username ?? '',
        password: m.password ?? '',
        protocol: '3.1.1',
      });
    }
    if (path === '/services' && method === 'GET') {
      return this.ok(res, {
        services: [{ slug: 'mqtt', available: Boolean(this.opts.mqtt), providers: this.opts.mqtt ? ['core_mosquitto'] : [] }],
      });
    }
    if (path === '/discovery' && method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse((await this.readBody(req)).toString('utf8'));
      } catch (err) {
        return this.error(res, 400, `Invalid JSON body: ${(err as Error).message}`);
      }
      const b = body as { service?: unknown; config?: unknown };
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return this.error(res, 400, 'Body must be an object with service and config');
      if (typeof b.service !== 'string' || !/^[a-z0-9_]+$/.test(b.service))
        return this.error(res, 400, 'service: required, a lower-case service name');
      if (typeof b.config !== 'object' || b.config === null || Array.isArray(b.config))
        return this.error(res, 400, 'config: required, an object');
      // The Supervisor keeps one discovery per (add-on, service, config): announcing the same again returns the same uuid.
      const same = this.discoveries.find((d) => d.service === b.service && JSON.stringify(d.config) === JSON.stringify(b.config));
      if (same) return this.ok(res, { uuid: same.uuid });
      const record: DiscoveryRecord = {
        uuid: randomUUID().replace(/-/g, ''),
        service: b.service,
        config: b.config as JsonObject,
        addon: ADDON_SLUG,
      };
      this.discoveries.push(record);
      return this.ok(res, { uuid: record.uuid });
    }
    if (path === '/discovery' && method === 'GET') {
      return this.ok(res, { discovery: this.discoveries.map((d) => ({ ...d })) });
    }
    if (path === '/info' && method === 'GET') {
      return this.ok(res, {
        supervisor: '2026.11.1',
        homeassistant: this.down ? null : this.haVersion,
        hassos: null,
        docker: '27.3.1',
        hostname: 'homeassistant',
        operating_system: 'Home Assistant OS (simulated)',
        features: ['reboot', 'shutdown', 'services', 'network', 'hostname', 'timedate'],
        machine: 'generic-x86-64',
        arch: 'amd64',
        supported_arch: ['amd64', 'i386'],
        supported: true,
        channel: 'stable',
        logging: 'info',
        state: 'running',
        timezone: 'Europe/London',
      });
    }
    if (path === '/addons/self/info' && method === 'GET') {
      return this.ok(res, {
        name: 'Smart Butler',
        slug: ADDON_SLUG,
        hostname: 'smart-butler',
        version: process.env.npm_package_version ?? '0.1.0',
        state: 'started',
        ingress: true,
        ingress_port: 8099,
        ingress_url: `/api/hassio_ingress/${ADDON_SLUG}-simulated/`,
        ingress_panel: true,
        ip_address: '172.30.33.5',
        homeassistant_api: true,
        services_role: ['mqtt:want'],
        discovery: ['wyoming'],
        arch: ['aarch64', 'amd64'],
      });
    }
    return this.error(res, 404, `${method} ${path} is not an endpoint the Supervisor offers an add-on`);
  }

  private async proxyRest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (this.down) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('502: Bad Gateway');
      return;
    }
    const rest = url.pathname.slice('/core/api'.length);
    const target = `${this.homeBase}/api${rest}${url.search}`;
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? undefined : await this.readBody(req, 16 * 1024 * 1024);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.homeToken}` };
    if (typeof req.headers['content-type'] === 'string') headers['Content-Type'] = req.headers['content-type'];
    let upstream: Response;
    try {
      upstream = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      this.log.warn({ err: (err as Error).message, target }, 'supervisor simulator: Home Assistant unreachable');
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('502: Bad Gateway');
      return;
    }
    const buf = Buffer.from(await upstream.arrayBuffer());
    const out: Record<string, string> = { 'Content-Length': String(buf.length) };
    const ct = upstream.headers.get('content-type');
    if (ct) out['Content-Type'] = ct;
    res.writeHead(upstream.status, out);
    res.end(buf);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://supervisor').pathname;
    this.requests.push(`WS ${path}`);
    if (path !== '/core/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    // Like the real proxy, the socket is accepted before anyone looks at Home Assistant or the token.
    this.wss.handleUpgrade(req, socket, head, (client) => this.serveClient(client));
  }

  private serveClient(client: WebSocket): void {
    this.pairs.set(client, null);
    client.once('close', () => {
      const up = this.pairs.get(client);
      this.pairs.delete(client);
      up?.close();
    });
    client.on('error', () => undefined);
    if (this.down) {
      if ((this.opts.downBehaviour ?? 'close') === 'close') setImmediate(() => client.close(1011, 'Home Assistant is not running'));
      return;
    }

    // Frames the client sends before the upstream is ready (the JS client sends auth on open) are kept in order.
    const queued: { data: RawData; binary: boolean }[] = [];
    let authed = false;
    let upstream: WebSocket | null = null;
    let piping = false;
    const onClient = (data: RawData, binary: boolean) => {
      if (piping) {
        upstream!.send(data, { binary });
        return;
      }
      if (!authed) {
        authed = this.checkAuth(client, data, binary);
        if (authed)
          this.openUpstream(client, (up) => {
            upstream = up;
            piping = true;
            for (const q of queued.splice(0)) up.send(q.data, { binary: q.binary });
          });
        return;
      }
      queued.push({ data, binary });
    };
    client.on('message', onClient);
    client.send(JSON.stringify({ type: 'auth_required', ha_version: this.haVersion }));
  }

  /** The add-on authenticates with its SUPERVISOR_TOKEN (`access_token`, or the legacy `api_password`). */
  private checkAuth(client: WebSocket, data: RawData, binary: boolean): boolean {
    let msg: unknown;
    try {
      msg = binary ? undefined : JSON.parse(data.toString());
    } catch {
      msg = undefined;
    }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { type?: unknown; access_token?: unknown; api_password?: unknown };
    const token = typeof m.access_token === 'string' ? m.access_token : typeof m.api_password === 'string' ? m.api_password : '';
    if (m.type !== 'auth' || token !== this.opts.token) {
      this.log.warn('supervisor simulator: unauthorized WebSocket access');
      client.send(JSON.stringify({ type: 'auth_invalid', message: 'Invalid access' }));
      client.close();
      return false;
    }
    return true;
  }

  /** Connects to Home Assistant with the Supervisor's token; answers auth_ok to the add-on once that worked. */
  private openUpstream(client: WebSocket, ready: (up: WebSocket) => void): void {
    const wsUrl = `${this.homeBase.replace(/^http/, 'ws')}/api/websocket`;
    const up = new WebSocket(wsUrl, { maxPayload: 16 * 1024 * 1024 });
    let stage: 'auth_required' | 'auth_ok' | 'pipe' = 'auth_required';
    const fail = (why: string) => {
      this.log.warn({ why }, 'supervisor simulator: cannot reach Home Assistant');
      up.terminate();
      // The real proxy has already said auth_ok by now; closing without a word is what the add-on sees.
      if (client.readyState === WebSocket.OPEN) client.close(1011, 'Home Assistant unreachable');
    };
    up.on('error', (err) => stage !== 'pipe' && fail(err.message));
    up.on('close', () => {
      if (client.readyState === WebSocket.OPEN) client.close(1001, 'Home Assistant closed the connection');
    });
    up.on('message', (data, binary) => {
      if (stage === 'pipe') {
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
        return;
      }
      let msg: { type?: unknown; ha_version?: unknown; message?: unknown } = {};
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return fail('Home Assistant sent a frame that is not JSON during auth');
      }
      if (stage === 'auth_required' && msg.type === 'auth_required') {
        if (typeof msg.ha_version === 'string') this.haVersion = msg.ha_version;
        up.send(JSON.stringify({ type: 'auth', access_token: this.homeToken }));
        stage = 'auth_ok';
        return;
      }
      if (stage === 'auth_ok' && msg.type === 'auth_ok') {
        if (client.readyState !== WebSocket.OPEN) return up.close();
        client.send(JSON.stringify({ type: 'auth_ok', ha_version: this.haVersion }));
        stage = 'pipe';
        this.pairs.set(client, up);
        ready(up);
        return;
      }
      fail(`unexpected ${String(msg.type)} during auth${typeof msg.message === 'string' ? `: ${msg.message}` : ''}`);
    });
  }

  async stop(): Promise<void> {
    for (const [client, up] of this.pairs) {
      up?.terminate();
      client.terminate();
    }
    this.pairs.clear();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
