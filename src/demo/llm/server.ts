// A protocol-faithful fake of Anthropic's Messages API (POST /v1/messages, non-streaming) on loopback.
// The real @anthropic-ai/sdk reaches it through `baseURL`. It validates requests the way the API does
// (headers, body shape, tool_use/tool_result pairing, cache_control limits), accounts usage including
// prompt caching, plays scripted answers for tests, and otherwise runs a small deterministic "model"
// (./model.ts) so the demo works offline.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import { adversarialAnswer, answer, type FakeBlock, type FakeRequest } from './model';
import { validateMessagesBody, validateCountTokensBody, type RequestError } from './validate';

export type { FakeBlock, FakeRequest } from './model';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A scripted answer: a message with the given content blocks, or an HTTP error, or raw bytes. */
export type ScriptedResponse =
  | {
      kind?: 'message';
      /** Content blocks; tool_use blocks may omit `id`, and `input` may be anything (to test malformed input). */
      content: Array<{ type: 'text'; text: string } | { type: 'tool_use'; name: string; input: unknown; id?: string }>;
      stop_reason?: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal';
      /** Overrides of the computed usage. */
      usage?: Partial<FakeUsage>;
    }
  | {
      kind: 'error';
      status: number;
      /** Defaults to the error type Anthropic uses for that status. */
      error_type?: string;
      message?: string;
      headers?: Record<string, string>;
    }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> };

/**
 * A lasting outage, until cleared: every valid POST /v1/messages hangs (read, never answered) or is answered with
 * the error (429 with a retry-after, 500, 529...), whatever is scripted.
 */
export type FakeFault = { kind: 'hang' } | { kind: 'error'; status: number; retryAfterS?: number };

export interface FakeAnthropicOptions {
  port?: number;
  host?: string;
  log?: Logger;
  /** When set, only this x-api-key is accepted; otherwise any non-empty key is. */
  apiKey?: string;
  /** Prompts shorter than this (in tokens) are not cached, as on the real API (1024 for Sonnet/Opus). */
  minCacheableTokens?: number;
  /** Cache lifetime of an `ephemeral` breakpoint (5 minutes on the real API). */
  cacheTtlMs?: number;
  /** Unscripted answers come from a model that obeys injected instructions (./model.ts adversarialAnswer). */
  adversarial?: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  status: number;
}

export interface FakeAnthropic {
  /** Base URL for the SDK (`new Anthropic({ baseURL: fake.url })`). */
  readonly url: string;
  readonly port: number;
  /** Bodies of every POST /v1/messages that parsed as JSON, in arrival order. */
  readonly requests: unknown[];
  /** Every HTTP request with headers (api key redacted) and the status answered. */
  readonly log: RecordedRequest[];
  /** Sum of the usage of every successful message answered. */
  readonly totals: FakeUsage & { messages: number };
  /** Queues answers used, in order, by the next requests (valid ones; invalid requests still get 400). */
  script(...responses: ScriptedResponse[]): void;
  /** How many scripted answers are still queued. */
  pending(): number;
  /** Forgets the prompt cache (the next request creates it again). */
  clearCache(): void;
  /** Switches the unscripted model between the demo one and the one that obeys injections. */
  setAdversarial(on: boolean): void;
  /** Starts (or, with null, ends) an outage; requests already hanging stay unanswered until their client gives up. */
  fault(fault: FakeFault | null): void;
  /** Requests hanging now (their client has not closed them). */
  hanging(): number;
  stop(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function tokensOf(chars: number): number {
  return Math.ceil(chars / 4);
}

function randomId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `${prefix}${s}`;
}

function withoutCacheControl(block: unknown): unknown {
  if (!block || typeof block !== 'object' || Array.isArray(block)) return block;
  const { cache_control: _ignored, ...rest } = block as Record<string, unknown>;
  return rest;
}

interface Segment {
  /** What identifies the block for the prompt cache (the block without its cache_control). */
  key: string;
  /** Billable tokens: ceil(chars/4) of the text a block carries (its JSON for tools and tool calls). */
  tokens: number;
  breakpoint: boolean;
}

function billableChars(block: Record<string, unknown>): number {
  if (block.type === 'text' && typeof block.text === 'string') return block.text.length;
  if (block.type === 'tool_result' && typeof block.content === 'string') return block.content.length;
  return JSON.stringify(withoutCacheControl(block)).length;
}

/** The prompt in the order the API caches it: tools, then system, then messages, one segment per block. */
function segmentsOf(body: FakeRequest): Segment[] {
  const out: Segment[] = [];
  const push = (block: Record<string, unknown>, role: string) => {
    // Images are billed by pixels, not by base64 length; count a typical snapshot.
    const tokens = block.type === 'image' ? 1600 : tokensOf(billableChars(block));
    out.push({ key: `${role}:${JSON.stringify(withoutCacheControl(block))}`, tokens, breakpoint: block.cache_control != null });
  };
  for (const t of body.tools ?? []) push(t as Record<string, unknown>, 'tool');
  if (typeof body.system === 'string') push({ type: 'text', text: body.system }, 'system');
  else for (const b of body.system ?? []) push(b as Record<string, unknown>, 'system');
  for (const m of body.messages) {
    if (typeof m.content === 'string') push({ type: 'text', text: m.content }, m.role);
    else for (const b of m.content) push(b, m.role);
  }
  return out;
}

function segmentTokens(s: Segment): number {
  return s.tokens;
}

class PromptCache {
  private readonly entries = new Map<string, number>();
  constructor(private readonly ttlMs: number) {}

  /** Accounts one request: the longest cached breakpoint prefix is read, the rest up to the last breakpoint is written. */
  account(segments: Segment[], minTokens: number): { read: number; creation: number; total: number } {
    const total = segments.reduce((n, s) => n + segmentTokens(s), 0);
    const now = Date.now();
    for (const [k, exp] of this.entries) if (exp <= now) this.entries.delete(k);
    const hash = createHash('sha256');
    let tokens = 0;
    const points: { key: string; tokens: number }[] = [];
    for (const s of segments) {
      hash.update(s.key).update('\u0000');
      tokens += segmentTokens(s);
      if (s.breakpoint) points.push({ key: hash.copy().digest('hex'), tokens });
    }
    const eligible = points.filter((p) => p.tokens >= minTokens);
    if (eligible.length === 0) return { read: 0, creation: 0, total };
    let read = 0;
    for (const p of eligible) if (this.entries.has(p.key)) read = p.tokens;
    const last = eligible[eligible.length - 1];
    for (const p of eligible) this.entries.set(p.key, now + this.ttlMs);
    return { read, creation: last.tokens - read, total };
  }

  clear(): void {
    this.entries.clear();
  }
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'x-api-key' || k === 'authorization' ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const log = options.log ?? silentLogger();
  const host = options.host ?? '127.0.0.1';
  const minCacheable = options.minCacheableTokens ?? 1024;
  const cache = new PromptCache(options.cacheTtlMs ?? 5 * 60_000);
  const queue: ScriptedResponse[] = [];
  let outage: FakeFault | null = null;
  const hung = new Set<ServerResponse>();
  let adversarial = options.adversarial === true;
  const requests: unknown[] = [];
  const recorded: RecordedRequest[] = [];
  const totals = { messages: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, requestId = randomId('req_')) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': requestId,
      'anthropic-organization-id': 'fake-org',
      ...headers,
    });
    res.end(text);
  };
  const sendError = (res: ServerResponse, status: number, message: string, type?: string, headers: Record<string, string> = {}) => {
    const requestId = randomId('req_');
    send(
      res,
      status,
      { type: 'error', error: { type: type ?? ERROR_TYPES[status] ?? 'api_error', message }, request_id: requestId },
      headers,
      requestId,
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const known = path === '/v1/messages' || path === '/v1/messages/count_tokens';
    if (!known) {
      sendError(res, 404, `Not found: ${req.method} ${path}`);
      return 404;
    }
    if (req.method !== 'POST') {
      sendError(res, 405, `Method ${req.method} not allowed on ${path}`, 'invalid_request_error', { allow: 'POST' });
      return 405;
    }
    // The API takes the key as `x-api-key`; current SDKs send it as `Authorization: Bearer <key>`.
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer\s+\S/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
    const key = typeof req.headers['x-api-key'] === 'string' && req.headers['x-api-key'].trim() !== '' ? req.headers['x-api-key'] : bearer;
    if (typeof key !== 'string' || key.trim() === '') {
      sendError(res, 401, 'x-api-key header is required');
      return 401;
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      sendError(res, 401, 'invalid x-api-key');
      return 401;
    }
    if (typeof req.headers['anthropic-version'] !== 'string') {
      sendError(res, 400, 'anthropic-version: header is required');
      return 400;
    }
    const raw = await readBody(req);
    if (raw === 'too_large') {
      sendError(res, 413, `Request exceeds the maximum allowed number of bytes (${MAX_BODY_BYTES})`);
      return 413;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      sendError(res, 400, `There was an error parsing the body: ${(err as Error).message}`);
      return 400;
    }
    if (path === '/v1/messages/count_tokens') {
      const invalid = validateCountTokensBody(body);
      if (invalid) return fail(res, invalid);
      const segs = segmentsOf(body as FakeRequest);
      send(res, 200, { input_tokens: segs.reduce((n, s) => n + segmentTokens(s), 0) });
      return 200;
    }
    requests.push(body);
    const invalid = validateMessagesBody(body);
    if (invalid) return fail(res, invalid);
    const request = body as FakeRequest;

    if (outage?.kind === 'hang') {
      hung.add(res);
      // Settles when the client gives up (closes the connection); never answered.
      return new Promise<number>((resolve) =>
        res.once('close', () => {
          hung.delete(res);
          resolve(0);
        }),
      );
    }
    if (outage?.kind === 'error') {
      const headers: Record<string, string> = outage.retryAfterS !== undefined ? { 'retry-after': String(outage.retryAfterS) } : {};
      sendError(res, outage.status, defaultMessage(outage.status), undefined, headers);
      return outage.status;
    }
    const scripted = queue.shift();
    if (scripted && scripted.kind === 'error') {
      sendError(res, scripted.status, scripted.message ?? defaultMessage(scripted.status), scripted.error_type, scripted.headers);
      return scripted.status;
    }
    if (scripted && scripted.kind === 'raw') {
      res.writeHead(scripted.status, { 'content-type': 'application/json', 'request-id': randomId('req_'), ...scripted.headers });
      res.end(scripted.body);
      return scripted.status;
    }

    let content: FakeBlock[];
    let stopReason: string;
    if (scripted) {
      content = scripted.content.map((b) =>
        b.type === 'tool_use' ? { type: 'tool_use', id: b.id ?? randomId('toolu_'), name: b.name, input: b.input } : b,
      );
      stopReason = scripted.stop_reason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
    } else {
      const a = adversarial ? adversarialAnswer(request) : answer(request);
      content = a.content.map((b) => (b.type === 'tool_use' ? { ...b, id: randomId('toolu_') } : b));
      stopReason = a.stop_reason;
    }
    const acc = cache.account(segmentsOf(request), minCacheable);
    const usage: FakeUsage = {
      input_tokens: acc.total - acc.read - acc.creation,
      output_tokens: tokensOf(JSON.stringify(content).length),
      cache_creation_input_tokens: acc.creation,
      cache_read_input_tokens: acc.read,
      ...(scripted?.usage ?? {}),
    };
    totals.messages += 1;
    totals.input_tokens += usage.input_tokens;
    totals.output_tokens += usage.output_tokens;
    totals.cache_creation_input_tokens += usage.cache_creation_input_tokens;
    totals.cache_read_input_tokens += usage.cache_read_input_tokens;
    send(res, 200, {
      id: randomId('msg_'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: {
        ...usage,
        cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
        service_tier: 'standard',
      },
    });
    return 200;
  };

  const fail = (res: ServerResponse, e: RequestError): number => {
    sendError(res, 400, e.path ? `${e.path}: ${e.message}` : e.message);
    return 400;
  };

  const server: Server = createServer((req, res) => {
    handle(req, res)
      .then((status) => {
        recorded.push({ path: req.url ?? '', headers: headerMap(req), status });
        log.debug({ path: req.url, status }, 'fake anthropic answered');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'fake anthropic failed');
        if (!res.headersSent) sendError(res, 500, 'Internal server error');
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'fake Anthropic Messages API listening');

  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    log: recorded,
    totals,
    script: (...responses) => {
      queue.push(...responses);
    },
    pending: () => queue.length,
    clearCache: () => cache.clear(),
    setAdversarial: (on) => {
      adversarial = on;
    },
    fault: (f) => {
      outage = f;
    },
    hanging: () => hung.size,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const res of hung) res.destroy();
        server.closeAllConnections();
      }),
  };
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Number of request tokens has exceeded your per-minute rate limit';
  if (status === 529) return 'Overloaded';
  if (status >= 500) return 'Internal server error';
  return `Error ${status}`;
}
