// The Supervisor, as an add-on sees it: http://supervisor with SUPERVISOR_TOKEN. Answers arrive wrapped in
// {result, data} (or {result: "error", message}); /services/mqtt sends its port as a string.
import type { Logger } from '../log';
import type { JsonObject } from '../types';

export interface SupervisorClientOptions {
  /** http://supervisor in the add-on. */
  url: string;
  token: string;
  log: Logger;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export interface SupervisorMqttService {
  host: string;
  port: number;
  ssl: boolean;
  username?: string;
  password?: string;
  /** MQTT protocol version the broker add-on announces, e.g. "3.1.1". */
  protocol: string;
  /** Slug of the add-on providing the broker (core_mosquitto). */
  addon?: string;
}

export interface SupervisorInfo {
  supervisor?: string;
  homeassistant?: string | null;
  hassos?: string | null;
  hostname?: string | null;
  machine?: string | null;
  arch?: string;
  state?: string;
  [key: string]: unknown;
}

export interface AddonSelfInfo {
  name?: string;
  slug?: string;
  version?: string;
  state?: string;
  ingress_url?: string | null;
  ip_address?: string;
  [key: string]: unknown;
}

export class SupervisorError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}

/** Thrown for `{result: "error"}` answers: the Supervisor understood and said no. */
export class SupervisorRefusal extends SupervisorError {}

export class SupervisorClient {
  private readonly base: string;
  private readonly token: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;

  constructor(opts: SupervisorClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.token = opts.token;
    this.log = opts.log;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** ws://supervisor/core/websocket: Home Assistant's WebSocket API through the Supervisor's proxy. */
  coreWebsocketUrl(): string {
    return `${this.base.replace(/^http/, 'ws')}/core/websocket`;
  }

  /** http://supervisor/core/api: Home Assistant's REST API through the Supervisor's proxy. */
  coreApiUrl(): string {
    return `${this.base}/core/api`;
  }

  /** The MQTT broker the Supervisor offers (the Mosquitto add-on), or null when there is none. */
  async mqttService(): Promise<SupervisorMqttService | null> {
    let data: unknown;
    try {
      data = await this.request('GET', '/services/mqtt');
    } catch (err) {
      if (err instanceof SupervisorRefusal) {
        this.log.info({ endpoint: err.endpoint, reason: err.message }, 'the Supervisor offers no MQTT service');
        return null;
      }
      throw err;
    }
    return parseMqttService(data);
  }

  /** Announces a service to Home Assistant (e.g. `wyoming` with `{uri: "tcp://host:port"}`). */
  async discover(service: string, config: JsonObject): Promise<{ uuid: string }> {
    const data = await this.request('POST', '/discovery', { service, config });
    const uuid = isObject(data) && typeof data.uuid === 'string' ? data.uuid : null;
    if (!uuid) throw new SupervisorError('POST /discovery', 200, 'POST /discovery: the answer carries no uuid');
    return { uuid };
  }

  async info(): Promise<SupervisorInfo> {
    const data = await this.request('GET', '/info');
    if (!isObject(data)) throw new SupervisorError('GET /info', 200, 'GET /info: the answer carries no data object');
    return data as SupervisorInfo;
  }

  async addonInfo(): Promise<AddonSelfInfo> {
    const data = await this.request('GET', '/addons/self/info');
    if (!isObject(data))
      throw new SupervisorError('GET /addons/self/info', 200, 'GET /addons/self/info: the answer carries no data object');
    return data as AddonSelfInfo;
  }

  /** One call: returns `data` of an ok answer; throws SupervisorRefusal for `result: "error"`, SupervisorError otherwise. */
  private async request(method: 'GET' | 'POST', path: string, body?: JsonObject): Promise<unknown> {
    const endpoint = `${method} ${path}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      throw new SupervisorError(endpoint, null, `${endpoint}: the Supervisor at ${this.base} is unreachable (${why})`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status === 401 || res.status === 403) {
      throw new SupervisorError(
        endpoint,
        res.status,
        `${endpoint}: the Supervisor refused the token (HTTP ${res.status}); is SUPERVISOR_TOKEN the add-on's?`,
      );
    }
    if (isObject(parsed) && parsed.result === 'error') {
      const message = typeof parsed.message === 'string' && parsed.message ? parsed.message : 'no message';
      throw new SupervisorRefusal(endpoint, res.status, `${endpoint}: ${message} (HTTP ${res.status})`);
    }
    if (!res.ok) throw new SupervisorError(endpoint, res.status, `${endpoint}: HTTP ${res.status} ${text.slice(0, 200)}`);
    if (!isObject(parsed) || parsed.result !== 'ok') {
      throw new SupervisorError(
        endpoint,
        res.status,
        `${endpoint}: expected {"result":"ok","data":…}, got ${text.slice(0, 200) || 'an empty body'}`,
      );
    }
    return parsed.data;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the `data` of GET /services/mqtt: port arrives as a string ("1883"). */
export function parseMqttService(data: unknown): SupervisorMqttService {
  const endpoint = 'GET /services/mqtt';
  if (!isObject(data)) throw new SupervisorError(endpoint, 200, `${endpoint}: the answer carries no data object`);
  const host = data.host;
  if (typeof host !== 'string' || host === '') throw new SupervisorError(endpoint, 200, `${endpoint}: data.host is missing`);
  const port =
    typeof data.port === 'number' ? data.port : typeof data.port === 'string' && /^\d+$/.test(data.port.trim()) ? Number(data.port) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SupervisorError(endpoint, 200, `${endpoint}: data.port ${JSON.stringify(data.port)} is not a port number`);
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    host,
    port,
    ssl: data.ssl === true || data.ssl === 'true',
    username: str(data.username),
    password: str(data.password),
    protocol: str(data.protocol) ?? '3.1.1',
    addon: str(data.addon),
  };
}

/** mqtt(s)://host:port for mqtt.js; credentials stay out of the URL so they never reach a log line. */
export function brokerUrl(s: SupervisorMqttService): string {
  const host = s.host.includes(':') && !s.host.startsWith('[') ? `[${s.host}]` : s.host;
  return `${s.ssl ? 'mqtts' : 'mqtt'}://${host}:${s.port}`;
}
