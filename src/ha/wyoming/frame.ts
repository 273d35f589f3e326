// Wyoming framing: one JSON header line, then `data_length` bytes of JSON data (merged over the header's inline
// `data`), then `payload_length` bytes of payload. See rhasspy/wyoming `wyoming/event.py`.

/** The protocol version we announce in every header we write (the Python library writes its own version). */
export const WYOMING_VERSION = '1.5.2';

export interface WyomingEvent {
  type: string;
  data: Record<string, unknown>;
  payload?: Buffer;
  /** The `version` field of the header, when the peer sent one. */
  version?: string;
}

export interface FrameLimits {
  /** Longest header line, newline excluded. */
  maxHeaderBytes: number;
  maxDataBytes: number;
  maxPayloadBytes: number;
}

export const DEFAULT_FRAME_LIMITS: Readonly<FrameLimits> = Object.freeze({
  maxHeaderBytes: 64 * 1024,
  maxDataBytes: 1024 * 1024,
  maxPayloadBytes: 16 * 1024 * 1024,
});

export type FrameErrorCode =
  | 'header-too-long'
  | 'header-not-json'
  | 'header-not-object'
  | 'missing-type'
  | 'bad-length'
  | 'data-too-long'
  | 'payload-too-long'
  | 'data-not-json'
  | 'data-not-object'
  | 'truncated-frame';

export class WyomingFrameError extends Error {
  override readonly name = 'WyomingFrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const NEWLINE = 0x0a;

export interface FeedResult {
  events: WyomingEvent[];
  error: WyomingFrameError | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkLength(header: Record<string, unknown>, key: 'data_length' | 'payload_length', max: number): number {
  const v = header[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new WyomingFrameError('bad-length', `header field "${key}" must be a non-negative integer, got ${JSON.stringify(v)}`);
  }
  if (v > max) {
    throw new WyomingFrameError(
      key === 'data_length' ? 'data-too-long' : 'payload-too-long',
      `header field "${key}" is ${v} bytes, over the limit of ${max}`,
    );
  }
  return v;
}

function describeJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

interface PendingHeader {
  type: string;
  data: Record<string, unknown>;
  version?: string;
  dataLength: number;
  payloadLength: number;
}

/**
 * Incremental parser: feed it chunks as they arrive (split anywhere, several frames per chunk) and it returns the
 * complete events. The first malformed frame throws a WyomingFrameError; the parser is then unusable, because the
 * stream can no longer be trusted to be in step.
 */
export class FrameParser {
  private readonly limits: FrameLimits;
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes of the buffered header line already searched for a newline. */
  private scanned = 0;
  private header: PendingHeader | null = null;
  private failed: WyomingFrameError | null = null;

  constructor(limits: Partial<FrameLimits> = {}) {
    this.limits = { ...DEFAULT_FRAME_LIMITS, ...limits };
  }

  /** Bytes received but not yet part of a complete event. */
  get buffered(): number {
    return this.length;
  }

  /** True while a frame has started but is not complete (ending the stream now would truncate it). */
  get midFrame(): boolean {
    return this.header !== null || this.length > 0;
  }

  /**
   * Feeds a chunk. Returns the events completed by it and, if a frame in it was malformed, the error; the events
   * before the bad frame are still returned so they can be answered first.
   */
  feed(chunk: Buffer): FeedResult {
    if (this.failed) return { events: [], error: this.failed };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    const events: WyomingEvent[] = [];
    try {
      for (;;) {
        const ev = this.next();
        if (!ev) break;
        events.push(ev);
      }
    } catch (err) {
      if (!(err instanceof WyomingFrameError)) throw err;
      this.failed = err;
      this.chunks = [];
      this.length = 0;
      return { events, error: err };
    }
    return { events, error: null };
  }

  /** Like feed(), but throws the error (dropping the events that came before it in the same chunk). */
  push(chunk: Buffer): WyomingEvent[] {
    const { events, error } = this.feed(chunk);
    if (error) throw error;
    return events;
  }

  /** Call when the stream ends: throws if it ended inside a frame. */
  end(): void {
    if (this.failed) return;
    if (this.header !== null || this.hasNonWhitespace()) {
      this.failed = new WyomingFrameError(
        'truncated-frame',
        this.header
          ? `stream ended inside the "${this.header.type}" frame (${this.length} of ${this.header.dataLength + this.header.payloadLength} body bytes received)`
          : `stream ended inside a header line (${this.length} bytes without a newline)`,
      );
      throw this.failed;
    }
  }

  private hasNonWhitespace(): boolean {
    for (const c of this.chunks) for (const b of c) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return true;
    return false;
  }

  private next(): WyomingEvent | null {
    if (this.header === null) {
      const line = this.takeLine();
      if (line === null) return null;
      const text = line.toString('utf8');
      if (text.trim() === '') return this.next(); // tolerate blank lines between frames
      this.header = this.parseHeader(text);
    }
    const h = this.header;
    const bodyLength = h.dataLength + h.payloadLength;
    if (this.length < bodyLength) return null;
    const body = bodyLength > 0 ? this.take(bodyLength) : Buffer.alloc(0);
    this.header = null;
    let data = h.data;
    if (h.dataLength > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.subarray(0, h.dataLength).toString('utf8'));
      } catch (err) {
        throw new WyomingFrameError('data-not-json', `data block of the "${h.type}" frame is not valid JSON: ${(err as Error).message}`);
      }
      if (!isPlainObject(parsed)) {
        throw new WyomingFrameError(
          'data-not-object',
          `data block of the "${h.type}" frame must be a JSON object, got ${describeJsonType(parsed)}`,
        );
      }
      data = { ...data, ...parsed };
    }
    const ev: WyomingEvent = { type: h.type, data };
    if (h.payloadLength > 0) ev.payload = body.subarray(h.dataLength);
    if (h.version !== undefined) ev.version = h.version;
    return ev;
  }

  private parseHeader(text: string): PendingHeader {
    let header: unknown;
    try {
      header = JSON.parse(text);
    } catch (err) {
      throw new WyomingFrameError('header-not-json', `header line is not valid JSON: ${(err as Error).message}`);
    }
    if (!isPlainObject(header)) {
      throw new WyomingFrameError('header-not-object', `header line must be a JSON object, got ${describeJsonType(header)}`);
    }
    const type = header.type;
    if (typeof type !== 'string' || type.length === 0) {
      throw new WyomingFrameError(
        'missing-type',
        `header field "type" must be a non-empty string, got ${JSON.stringify(type) ?? 'nothing'}`,
      );
    }
    const inline = header.data;
    if (inline !== undefined && inline !== null && !isPlainObject(inline)) {
      throw new WyomingFrameError(
        'data-not-object',
        `header field "data" of the "${type}" frame must be a JSON object, got ${describeJsonType(inline)}`,
      );
    }
    const dataLength = checkLength(header, 'data_length', this.limits.maxDataBytes);
    const payloadLength = checkLength(header, 'payload_length', this.limits.maxPayloadBytes);
    const out: PendingHeader = { type, data: isPlainObject(inline) ? { ...inline } : {}, dataLength, payloadLength };
    if (typeof header.version === 'string') out.version = header.version;
    return out;
  }

  /** The next line without its newline, or null if no newline has arrived yet. */
  private takeLine(): Buffer | null {
    let offset = 0;
    for (const c of this.chunks) {
      if (offset + c.length > this.scanned) {
        const from = Math.max(0, this.scanned - offset);
        const i = c.indexOf(NEWLINE, from);
        if (i >= 0) {
          const lineLength = offset + i;
          if (lineLength > this.limits.maxHeaderBytes) this.headerTooLong(lineLength, true);
          this.scanned = 0;
          const line = this.take(lineLength + 1);
          return line.subarray(0, lineLength);
        }
      }
      offset += c.length;
    }
    this.scanned = this.length;
    if (this.length > this.limits.maxHeaderBytes) this.headerTooLong(this.length, false);
    return null;
  }

  private headerTooLong(bytes: number, complete: boolean): never {
    throw new WyomingFrameError(
      'header-too-long',
      `header line is ${complete ? '' : 'at least '}${bytes} bytes, over the limit of ${this.limits.maxHeaderBytes}`,
    );
  }

  /** Removes and returns the first n buffered bytes (n <= length). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const want = n - filled;
        if (c.length <= want) {
          c.copy(out, filled);
          filled += c.length;
          this.chunks.shift();
        } else {
          c.copy(out, filled, 0, want);
          this.chunks[0] = c.subarray(want);
          filled += want;
        }
      }
    }
    this.length -= n;
    return out;
  }
}

export interface OutgoingEvent {
  type: string;
  data?: Record<string, unknown>;
  payload?: Buffer;
}

/** Encodes an event like the Python writer: data in a `data_length` block, never inline. */
export function encodeEvent(ev: OutgoingEvent, version: string = WYOMING_VERSION): Buffer {
  const header: Record<string, unknown> = { type: ev.type, version };
  const parts: Buffer[] = [];
  let dataBytes: Buffer | null = null;
  if (ev.data && Object.keys(ev.data).length > 0) {
    dataBytes = Buffer.from(JSON.stringify(ev.data), 'utf8');
    header.data_length = dataBytes.length;
  }
  if (ev.payload && ev.payload.length > 0) header.payload_length = ev.payload.length;
  parts.push(Buffer.from(JSON.stringify(header) + '\n', 'utf8'));
  if (dataBytes) parts.push(dataBytes);
  if (ev.payload && ev.payload.length > 0) parts.push(ev.payload);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
