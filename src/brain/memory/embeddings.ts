// A client for an OpenAI-compatible embeddings endpoint: POST {base}/embeddings {model, input} -> {data: [{embedding}]}.
// Nothing is downloaded: with no endpoint configured, memory search is FTS5 only.
import { fetchCause, readCapped } from '../../util/http';
import { redactUrl } from '../../util/redact';

/** Far more than a batch of vectors takes (a 3,072-dimension vector is ~60 KB of JSON). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

export interface EmbeddingsConfig {
  /** Base URL, e.g. "http://127.0.0.1:11434/v1"; "/embeddings" is appended. */
  url: string;
  model: string;
  apiKey?: string;
  /** Per request; default 5000 ms. */
  timeoutMs?: number;
}

export class EmbeddingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingsError';
  }
}

/** The embeddings endpoint from the butler's options (embeddings_url / _model / _api_key), or null for keyword search only. */
export function embeddingsFromOptions(o: {
  embeddings_url?: string;
  embeddings_model?: string;
  embeddings_api_key?: string;
}): EmbeddingsConfig | null {
  if (!o.embeddings_url) return null;
  if (!o.embeddings_model) throw new EmbeddingsError('embeddings_model: required when embeddings_url is set (e.g. nomic-embed-text)');
  return { url: o.embeddings_url, model: o.embeddings_model, apiKey: o.embeddings_api_key || undefined };
}

export class EmbeddingsClient {
  private readonly endpoint: string;

  constructor(readonly config: EmbeddingsConfig) {
    this.endpoint = `${config.url.replace(/\/+$/, '')}/embeddings`;
  }

  /** One vector per input, in order. Throws EmbeddingsError on any transport, HTTP or shape problem. */
  async embed(inputs: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const timeout = AbortSignal.timeout(this.config.timeoutMs ?? 5000);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.config.model, input: inputs }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw new EmbeddingsError(`embeddings endpoint ${redactUrl(this.endpoint)} unreachable: ${fetchCause(err)}`);
    }
    const raw = (
      await readCapped(res, {
        max: MAX_ANSWER_BYTES,
        url: this.endpoint,
        what: 'embeddings answer refused',
        error: (m) => new EmbeddingsError(m),
      })
    ).toString('utf8');
    if (!res.ok) {
      let detail = raw.slice(0, 200);
      try {
        const body = JSON.parse(raw) as { error?: { message?: unknown } | string };
        const m = typeof body.error === 'string' ? body.error : body.error?.message;
        if (typeof m === 'string') detail = m.slice(0, 200);
      } catch {
        /* not JSON: keep the text */
      }
      throw new EmbeddingsError(`embeddings endpoint answered HTTP ${res.status}: ${detail}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new EmbeddingsError('embeddings endpoint answered with something that is not JSON');
    }
    const data = (body as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length !== inputs.length) {
      throw new EmbeddingsError(`embeddings response: expected data[] with ${inputs.length} item(s)`);
    }
    // OpenAI returns items with `index`; order by it when present.
    const items = data.map((d: unknown, i: number) => {
      const item = d as { embedding?: unknown; index?: unknown };
      return { index: typeof item.index === 'number' ? item.index : i, embedding: item.embedding };
    });
    items.sort((a, b) => a.index - b.index);
    let dims = -1;
    return items.map((item, i) => {
      const v = item.embedding;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new EmbeddingsError(`embeddings response: data[${i}].embedding must be a non-empty array of numbers`);
      }
      if (dims !== -1 && v.length !== dims) throw new EmbeddingsError('embeddings response: vectors of different lengths');
      dims = v.length;
      return Float32Array.from(v as number[]);
    });
  }
}

/** Unit length copy (cosine similarity becomes a dot product); null for a zero vector. */
export function normalize(v: Float32Array): Float32Array | null {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum === 0) return null;
  const n = Math.sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / n;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function toBlob(v: Float32Array): Buffer {
  const b = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) b.writeFloatLE(v[i], i * 4);
  return b;
}

export function fromBlob(b: Buffer): Float32Array {
  const v = new Float32Array(Math.floor(b.length / 4));
  for (let i = 0; i < v.length; i++) v[i] = b.readFloatLE(i * 4);
  return v;
}
