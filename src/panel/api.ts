// The panel talks only to relative URLs (api/…), so it works under the ingress prefix and standalone alike.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function api<T = Record<string, unknown>>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(path, {
    ...rest,
    headers: { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(rest.headers ?? {}) },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; details?: unknown };
  if (!res.ok) throw new ApiError(body.error ?? `${res.status} ${res.statusText}`, res.status, body.details);
  return body as T;
}

export type StreamKind = 'hello' | 'event' | 'plan' | 'result' | 'confirmation' | 'mode';
type Listener = (kind: StreamKind, data: unknown) => void;

/** One WebSocket to api/stream shared by every page; reconnects after a drop. */
class Stream {
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  connected = false;

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    if (!this.ws) this.connect();
    return () => this.listeners.delete(fn);
  }

  private connect(): void {
    const url = new URL('api/stream', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.connected = true;
    };
    ws.onmessage = (m) => {
      let frame: { kind: StreamKind; data: unknown };
      try {
        frame = JSON.parse(String(m.data));
      } catch {
        return;
      }
      for (const fn of this.listeners) fn(frame.kind, frame.data);
    };
    ws.onclose = () => {
      this.connected = false;
      setTimeout(() => this.connect(), 2000);
    };
  }
}

export const stream = new Stream();
