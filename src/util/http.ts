// Reading HTTP answers from places the butler does not control (cameras, Home Assistant, images and search APIs): the
// body is read with a size cap, and every failure says what the limit was and which URL it was, credentials taken out.
import { redactUrl } from './redact';

export interface ReadCappedOptions {
  /** The most bytes accepted. */
  max: number;
  /** The URL the answer came from: named in errors, credentials taken out. */
  url: string | URL;
  /** What is being read, first in the error message: "snapshot refused", "image 2". */
  what?: string;
  /** Makes the caller's own error from the message (default: Error). */
  error?: (message: string) => Error;
}

/**
 * The body of `res`, at most `max` bytes. A declared content-length over the cap is refused before a byte is read; a
 * body that grows over it while being read is cancelled there (the connection is not left draining), and a body that
 * breaks off is an error, never a short buffer.
 */
export async function readCapped(res: Response, opts: ReadCappedOptions): Promise<Buffer> {
  const what = opts.what ?? 'answer refused';
  const from = redactUrl(String(opts.url));
  const fail = (message: string) => (opts.error ?? ((m: string) => new Error(m)))(message);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > opts.max) {
    await res.body?.cancel().catch(() => undefined);
    throw fail(`${what}: ${declared} bytes is over the ${opts.max}-byte limit (from ${from})`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    let step: Awaited<ReturnType<typeof reader.read>>;
    try {
      step = await reader.read();
    } catch (err) {
      throw fail(`${what}: the answer from ${from} broke off after ${size} bytes (${fetchCause(err)})`);
    }
    if (step.done) break;
    size += step.value.length;
    if (size > opts.max) {
      await reader.cancel().catch(() => undefined);
      throw fail(`${what}: over the ${opts.max}-byte limit (from ${from})`);
    }
    chunks.push(Buffer.from(step.value));
  }
  return Buffer.concat(chunks);
}

/**
 * Why a fetch failed, in words: fetch itself only says "fetch failed" and keeps the reason in `cause` (ECONNREFUSED,
 * ENOTFOUND, a closed socket); a deadline is "timed out".
 */
export function fetchCause(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  if (e?.name === 'TimeoutError') return 'timed out';
  if (e?.name === 'AbortError') return 'aborted';
  const code = e?.cause?.code;
  const msg = e?.cause?.message;
  let why: string;
  if (code && msg) why = msg.includes(code) ? msg : `${msg} (${code})`;
  else why = code ?? msg ?? e?.message ?? String(err);
  return redactUrl(why);
}

/** "cannot reach <URL without credentials>: <cause>", for an error thrown by fetch. */
export function fetchFailure(err: unknown, url: string | URL): string {
  return `cannot reach ${redactUrl(String(url))}: ${fetchCause(err)}`;
}
