// A Wyoming client that behaves like Home Assistant's integration (core `components/wyoming/data.py` and
// `conversation.py`): describe with a short timeout and retries; one new TCP connection per transcript.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { encodeEvent, FrameParser, type FrameLimits, type OutgoingEvent, type WyomingEvent } from './frame';
import type { WyomingHandleProgram, WyomingInfo } from './info';

export type WyomingClientErrorCode = 'connect-failed' | 'timeout' | 'connection-lost' | 'bad-frame' | 'bad-reply';

export class WyomingClientError extends Error {
  override readonly name = 'WyomingClientError';
  constructor(
    readonly code: WyomingClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface WyomingConnection {
  write(ev: OutgoingEvent): Promise<void>;
  /** The next event, or null when the server closed the connection. */
  read(): Promise<WyomingEvent | null>;
  close(): void;
}

/** Opens one TCP connection and exposes it as a stream of events. */
export function connectWyoming(host: string, port: number, limits: Partial<FrameLimits> = {}): Promise<WyomingConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const parser = new FrameParser(limits);
    const events: WyomingEvent[] = [];
    const waiters: Array<{ resolve: (ev: WyomingEvent | null) => void; reject: (err: Error) => void }> = [];
    let ended = false;
    let failure: Error | null = null;
    let connected = false;

    const settle = (): void => {
      while (waiters.length > 0) {
        const ev = events.shift();
        if (ev) waiters.shift()!.resolve(ev);
        else if (failure) waiters.shift()!.reject(failure);
        else if (ended) waiters.shift()!.resolve(null);
        else break;
      }
    };

    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (failure) return;
      const fed = parser.feed(chunk);
      events.push(...fed.events);
      if (fed.error) {
        failure = new WyomingClientError('bad-frame', `server sent a bad frame: ${fed.error.message}`);
        socket.destroy();
      }
      settle();
    });
    socket.on('end', () => {
      ended = true;
      settle();
    });
    socket.on('close', () => {
      ended = true;
      settle();
    });
    socket.on('error', (err) => {
      if (!connected) {
        reject(new WyomingClientError('connect-failed', `cannot connect to Wyoming server ${host}:${port}: ${err.message}`));
        return;
      }
      failure ??= new WyomingClientError('connection-lost', `Wyoming connection to ${host}:${port} failed: ${err.message}`);
      settle();
    });
    socket.once('connect', () => {
      connected = true;
      resolve({
        write: (ev) =>
          new Promise<void>((res, rej) => {
            socket.write(encodeEvent(ev), (err) => (err ? rej(new WyomingClientError('connection-lost', err.message)) : res()));
          }),
        read: () =>
          new Promise<WyomingEvent | null>((res, rej) => {
            waiters.push({ resolve: res, reject: rej });
            settle();
          }),
        close: () => {
          socket.destroy();
        },
      });
    });
  });
}

/** Runs `work` on a fresh connection with an overall deadline; the connection is always closed. */
async function withConnection<T>(
  host: string,
  port: number,
  timeoutMs: number,
  what: string,
  work: (conn: WyomingConnection) => Promise<T>,
): Promise<T> {
  let conn: WyomingConnection | null = null;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new WyomingClientError('timeout', `${what} to ${host}:${port} got no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const attempt = (async () => {
    const c = await connectWyoming(host, port);
    if (done) {
      c.close(); // connected after the deadline: nobody is waiting any more
      throw new WyomingClientError('timeout', `${what} to ${host}:${port} connected too late`);
    }
    conn = c;
    return work(c);
  })();
  attempt.catch(() => undefined); // the race below reports it; a late failure must not go unhandled
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    done = true;
    clearTimeout(timer);
    (conn as WyomingConnection | null)?.close();
  }
}

export interface DescribeOptions {
  timeoutMs?: number;
  tries?: number;
  retryDelayMs?: number;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function toInfo(data: Record<string, unknown>): WyomingInfo {
  return {
    asr: asList(data.asr),
    tts: asList(data.tts),
    handle: asList(data.handle) as WyomingHandleProgram[],
    intent: asList(data.intent),
    wake: asList(data.wake),
    mic: asList(data.mic),
    snd: asList(data.snd),
  };
}

/**
 * Home Assistant's `load_wyoming_info`: `describe` on a new connection with a short timeout, retried after a pause.
 * Resolves null when every try failed (HA then treats the service as not ready).
 */
export async function describeWyoming(host: string, port: number, opts: DescribeOptions = {}): Promise<WyomingInfo | null> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const tries = Math.max(1, opts.tries ?? 3);
  const retryDelayMs = opts.retryDelayMs ?? 2000;
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      return await withConnection(host, port, timeoutMs, 'describe', async (conn) => {
        await conn.write({ type: 'describe' });
        for (;;) {
          const ev = await conn.read();
          if (ev === null) throw new WyomingClientError('connection-lost', 'connection closed before info arrived');
          if (ev.type === 'info') return toInfo(ev.data);
        }
      });
    } catch (err) {
      if (!(err instanceof WyomingClientError)) throw err;
      if (attempt < tries) await new Promise((r) => setTimeout(r, retryDelayMs));
    }
  }
  return null;
}

export interface TranscriptOptions {
  text: string;
  language: string;
  conversation_id?: string | null;
  /** Extra context keys (Home Assistant adds `device_id`, `satellite_id`). */
  context?: Record<string, unknown>;
  /** Overall deadline. Default 60 s. */
  timeoutMs?: number;
}

export interface TranscriptResult {
  handled: boolean;
  text: string;
  /** The id the client sent (Home Assistant keeps its own id, minting a ULID when it had none). */
  conversation_id: string;
  /** The `context` of the server's reply, if it sent one. */
  context: Record<string, unknown> | null;
  /** Set when the server answered with a Wyoming `error` event. */
  error?: { text: string; code: string | null };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (48-bit millisecond time + 80 random bits, Crockford base32), like HA's `ulid_now()`. */
export function newUlid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const rand = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[rand[i]! % 32]!;
  return time + tail;
}

function contextOf(data: Record<string, unknown>): Record<string, unknown> | null {
  const c = data.context;
  return typeof c === 'object' && c !== null && !Array.isArray(c) ? (c as Record<string, unknown>) : null;
}

function textOf(data: Record<string, unknown>): string {
  return typeof data.text === 'string' ? data.text : '';
}

/** Home Assistant's `WyomingConversationEntity.async_process`: one new connection, one transcript, one answer. */
export async function sendTranscript(host: string, port: number, opts: TranscriptOptions): Promise<TranscriptResult> {
  const conversationId = opts.conversation_id || newUlid();
  const context: Record<string, unknown> = { ...(opts.context ?? {}), conversation_id: conversationId };
  return withConnection(host, port, opts.timeoutMs ?? 60_000, 'transcript', async (conn) => {
    await conn.write({ type: 'transcript', data: { text: opts.text, context, language: opts.language } });
    let streamed: string | null = null;
    for (;;) {
      const ev = await conn.read();
      if (ev === null) throw new WyomingClientError('connection-lost', 'connection closed before an answer arrived');
      const base = { conversation_id: conversationId, context: contextOf(ev.data) };
      switch (ev.type) {
        case 'handled':
          return { handled: true, text: textOf(ev.data), ...base };
        case 'not-handled':
        case 'not-recognized':
          return { handled: false, text: textOf(ev.data), ...base };
        case 'handled-start':
          streamed = '';
          break;
        case 'handled-chunk':
          streamed = (streamed ?? '') + textOf(ev.data);
          break;
        case 'handled-stop':
          return { handled: true, text: streamed ?? '', ...base };
        case 'error': {
          const code = typeof ev.data.code === 'string' ? ev.data.code : null;
          const text = textOf(ev.data);
          return { handled: false, text, ...base, error: { text, code } };
        }
        default:
          break; // HA ignores events it does not expect
      }
    }
  });
}
