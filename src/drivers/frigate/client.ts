// A thin typed Frigate client (HTTP API 0.14–0.16) on fetch: JWT login when a user is configured (POST /api/login sets
// the frigate_token cookie, used as a Bearer token, renewed once on a 401), every request with a deadline, images
// capped in size. The MQTT side is in part.ts.
import { fetchFailure, readCapped } from '../../util/http';

export interface FrigateEvent {
  id: string;
  label: string;
  sub_label: string | null;
  camera: string;
  start_time: number;
  end_time: number | null;
  false_positive: boolean | null;
  zones: string[];
  has_clip: boolean;
  has_snapshot: boolean;
  score: number | null;
}

export interface FrigateReview {
  id: string;
  camera: string;
  start_time: number;
  end_time: number | null;
  severity: 'alert' | 'detection';
  has_been_reviewed: boolean;
}

export class FrigateError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'FrigateError';
  }
}

/** Frigate 0.14 sends sub_label as [name, score] (or a string, or null); later versions as a string. */
export function subLabel(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

export class FrigateClient {
  private token: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly auth: { username?: string; password?: string } = {},
    private readonly opts: { timeoutMs?: number; maxImageBytes?: number } = {},
  ) {}

  async version(): Promise<string> {
    return (await this.request('/api/version')).text();
  }

  async stats(): Promise<Record<string, unknown>> {
    return (await this.request('/api/stats')).json() as Promise<Record<string, unknown>>;
  }

  async config(): Promise<{ mqtt?: { topic_prefix?: string }; cameras?: Record<string, unknown> }> {
    return (await this.request('/api/config')).json() as Promise<{ mqtt?: { topic_prefix?: string }; cameras?: Record<string, unknown> }>;
  }

  async events(
    q: { cameras?: string[]; labels?: string[]; limit?: number; after?: number; before?: number } = {},
  ): Promise<FrigateEvent[]> {
    const params = new URLSearchParams();
    if (q.cameras?.length) params.set('cameras', q.cameras.join(','));
    if (q.labels?.length) params.set('labels', q.labels.join(','));
    if (q.after !== undefined) params.set('after', String(q.after));
    if (q.before !== undefined) params.set('before', String(q.before));
    params.set('limit', String(q.limit ?? 20));
    const raw = (await (await this.request(`/api/events?${params}`)).json()) as Record<string, unknown>[];
    if (!Array.isArray(raw)) throw new FrigateError('GET /api/events did not answer a list');
    return raw.map(normalizeEvent);
  }

  async reviews(q: { cameras?: string[]; severity?: 'alert' | 'detection'; limit?: number } = {}): Promise<FrigateReview[]> {
    const params = new URLSearchParams();
    if (q.cameras?.length) params.set('cameras', q.cameras.join(','));
    if (q.severity) params.set('severity', q.severity);
    params.set('limit', String(q.limit ?? 20));
    const raw = (await (await this.request(`/api/review?${params}`)).json()) as FrigateReview[];
    if (!Array.isArray(raw)) throw new FrigateError('GET /api/review did not answer a list');
    return raw;
  }

  /** The event's snapshot JPEG (404 when the event has none). */
  async eventSnapshot(id: string, opts: { height?: number; bbox?: boolean; crop?: boolean } = {}): Promise<Buffer> {
    if (!/^[A-Za-z0-9._-]{1,80}$/.test(id)) throw new FrigateError(`"${id.slice(0, 40)}" is not a Frigate event id`);
    const p = new URLSearchParams();
    if (opts.height) p.set('height', String(opts.height));
    if (opts.bbox) p.set('bbox', '1');
    if (opts.crop) p.set('crop', '1');
    return this.image(`/api/events/${id}/snapshot.jpg${p.size ? `?${p}` : ''}`);
  }

  /** The latest frame of a camera as JPEG. */
  async latestFrame(camera: string, opts: { height?: number } = {}): Promise<Buffer> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(camera)) throw new FrigateError(`"${camera.slice(0, 40)}" is not a Frigate camera name`);
    return this.image(`/api/${camera}/latest.jpg${opts.height ? `?height=${opts.height}` : ''}`);
  }

  private async image(path: string): Promise<Buffer> {
    const res = await this.request(path);
    return readCapped(res, {
      max: this.opts.maxImageBytes ?? 8 * 1024 * 1024,
      url: this.url(path),
      what: 'image refused',
      error: (m) => new FrigateError(m),
    });
  }

  private async login(): Promise<void> {
    const res = await this.fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: this.auth.username, password: this.auth.password }),
    });
    await res.body?.cancel();
    if (res.status === 401 || res.status === 400) throw new FrigateError('Frigate refused the username or password', res.status);
    if (!res.ok) throw new FrigateError(`Frigate login answered HTTP ${res.status}`, res.status);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('frigate_token='));
    this.token = cookie ? cookie.slice('frigate_token='.length).split(';')[0] : null;
    if (!this.token) throw new FrigateError('Frigate login set no frigate_token cookie');
  }

  private async request(path: string, retried = false): Promise<Response> {
    if (this.auth.username && !this.token) await this.login();
    const res = await this.fetch(path, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    if (res.status === 401 && this.auth.username && !retried) {
      await res.body?.cancel();
      this.token = null;
      return this.request(path, true);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new FrigateError(`GET ${path.split('?')[0]} answered HTTP ${res.status}`, res.status);
    }
    return res;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.url(path), { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
    } catch (err) {
      throw new FrigateError(`Frigate unreachable: ${fetchFailure(err, this.url(path))}`);
    }
  }

  private url(path: string): URL {
    return new URL(path, this.baseUrl);
  }
}

function normalizeEvent(e: Record<string, unknown>): FrigateEvent {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    id: String(e.id),
    label: String(e.label ?? ''),
    sub_label: subLabel(e.sub_label),
    camera: String(e.camera ?? ''),
    start_time: Number(e.start_time ?? 0),
    end_time: num(e.end_time),
    false_positive: typeof e.false_positive === 'boolean' ? e.false_positive : null,
    zones: Array.isArray(e.zones) ? e.zones.map(String) : [],
    has_clip: Boolean(e.has_clip),
    has_snapshot: Boolean(e.has_snapshot),
    score: num(data.top_score) ?? num(data.score) ?? num(e.top_score) ?? num(e.score),
  };
}
