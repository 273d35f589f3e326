// A fake OpenAI-compatible embeddings endpoint on loopback (POST /embeddings and /v1/embeddings).
// Vectors are deterministic: words (and CJK characters) hashed into a fixed number of signed dimensions, plus a
// small table of related words that share a "concept" dimension, so "warm" lands near "degrees" the way a real
// model would put them near each other. Good enough to test hybrid ranking; not a model.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmbeddingsOptions {
  port?: number;
  host?: string;
  dims?: number;
  /** When set, requests must send `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The model names accepted (default: any). */
  models?: string[];
}

export interface FakeEmbeddings {
  /** Base URL to configure, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  /** Requests answered (any status). */
  readonly requests: number;
  /** Inputs embedded successfully. */
  readonly inputs: number;
  /** While true every request gets HTTP 503. */
  down: boolean;
  stop(): Promise<void>;
}

const CONCEPTS: Record<string, string[]> = {
  temperature: [
    'temperature',
    'degrees',
    'degree',
    'warm',
    'warmer',
    'cold',
    'colder',
    'heat',
    'heating',
    'thermostat',
    'hot',
    'cool',
    'celsius',
    '度',
    '温',
    '暖',
    '冷',
    '热',
  ],
  light: ['light', 'lights', 'lamp', 'lamps', 'bright', 'brightness', 'dim', 'dark', '灯', '亮', '暗'],
  food: ['food', 'eat', 'eats', 'dinner', 'lunch', 'breakfast', 'coffee', 'tea', 'cook', 'meal', '吃', '饭', '茶'],
  sleep: ['sleep', 'sleeps', 'bed', 'bedroom', 'night', 'nap', 'wake', '睡', '床', '卧'],
  pet: ['pet', 'dog', 'cat', 'feed', 'walk', 'vet', '狗', '猫'],
};
const CONCEPT_OF = new Map<string, string>();
for (const [c, words] of Object.entries(CONCEPTS)) for (const w of words) CONCEPT_OF.set(w, c);

function bucket(feature: string, dims: number): { i: number; sign: number } {
  const h = createHash('sha256').update(feature).digest();
  return { i: h.readUInt32LE(0) % dims, sign: h[4] & 1 ? 1 : -1 };
}

/** The fake's vector for a text (exported so tests can reason about it). */
export function fakeEmbedding(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  const tokens =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+/gu) ?? [];
  for (const t of tokens) {
    const w = bucket(`w:${t}`, dims);
    v[w.i] += w.sign;
    const c = CONCEPT_OF.get(t);
    if (c) {
      const cb = bucket(`c:${c}`, dims);
      v[cb.i] += 2 * cb.sign;
    }
  }
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return n === 0 ? v : v.map((x) => Math.round((x / n) * 1e6) / 1e6);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function error(res: ServerResponse, status: number, message: string, type = 'invalid_request_error', param: string | null = null): void {
  send(res, status, { error: { message, type, param, code: null } });
}

export async function startFakeEmbeddings(opts: FakeEmbeddingsOptions = {}): Promise<FakeEmbeddings> {
  const dims = opts.dims ?? 64;
  const state = { requests: 0, inputs: 0, down: false };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests++;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/embeddings' && path !== '/v1/embeddings') return error(res, 404, `no route ${req.method} ${path}`, 'not_found');
    if (req.method !== 'POST') return error(res, 405, 'use POST');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 4 * 1024 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      if (state.down) return error(res, 503, 'the embeddings service is unavailable', 'server_error');
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`)
        return error(res, 401, 'invalid API key', 'authentication_error');
      if (size > 4 * 1024 * 1024) return error(res, 413, 'request too large');
      let body: { model?: unknown; input?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return error(res, 400, 'body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null) return error(res, 400, 'body must be an object');
      if (typeof body.model !== 'string' || !body.model) return error(res, 400, 'model: required string', 'invalid_request_error', 'model');
      if (opts.models && !opts.models.includes(body.model))
        return error(res, 404, `model "${body.model}" does not exist`, 'invalid_request_error', 'model');
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (
        !Array.isArray(input) ||
        input.length === 0 ||
        input.length > 2048 ||
        !input.every((s) => typeof s === 'string' && s.length > 0)
      ) {
        return error(res, 400, 'input: a non-empty string or an array of 1-2048 non-empty strings', 'invalid_request_error', 'input');
      }
      state.inputs += input.length;
      const tokens = input.reduce((n: number, s: string) => n + Math.ceil(s.length / 4), 0);
      send(res, 200, {
        object: 'list',
        data: input.map((s: string, index: number) => ({ object: 'embedding', index, embedding: fakeEmbedding(s, dims) })),
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}/v1`,
    get requests() {
      return state.requests;
    },
    get inputs() {
      return state.inputs;
    },
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
