// A small Broadlink remote client on dgram: every request has a timeout and a retry, replies are matched by their
// count, one request at a time per device (the device handles one), the session is re-established when the device
// forgets it, and the socket is closed on close(). Written because node-broadlink has none of that.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  authPayload,
  CMD_AUTH,
  CMD_REQUEST,
  commandPacket,
  type DiscoveredDevice,
  decrypt,
  discoveryPacket,
  ERROR_TEXT,
  type Family,
  familyOf,
  INITIAL_KEY,
  parseDiscoveryReply,
  parseMac,
  parseReply,
  remoteData,
  remotePayload,
  SUB,
} from './protocol';

export class BroadlinkError extends Error {
  constructor(
    message: string,
    /** The device's error code (negative), or null for a timeout or a malformed reply. */
    readonly code: number | null,
  ) {
    super(message);
    this.name = 'BroadlinkError';
  }
}

export interface ClientOptions {
  host: string;
  port?: number;
  /** "aa:bb:cc:dd:ee:ff"; learned by a unicast discovery when absent. */
  mac?: string;
  /** Device type (e.g. 0x51da); learned by discovery when absent. */
  deviceType?: number;
  /** Payload family; from the device type when absent. */
  family?: Family;
  /** Per-attempt wait for a reply (ms). */
  timeoutMs?: number;
  /** Attempts after the first when no reply comes. */
  retries?: number;
  /** Interval between "check data" polls while learning (ms); python-broadlink/HA use 1 s. */
  learnPollMs?: number;
}

export interface ClientStats {
  requests: number;
  attempts: number;
  timeouts: number;
  retries: number;
  reauths: number;
  ignored: number;
}

interface Pending {
  counts: number[];
  resolve: (msg: Buffer) => void;
}

const SKIP_WHILE_LEARNING = new Set([-10, -5]);

/** Sends a discovery request to `address:port` (broadcast by default) and collects answers for `timeoutMs`. */
export async function discover(
  opts: { address?: string; port?: number; timeoutMs?: number; localIp?: string } = {},
): Promise<DiscoveredDevice[]> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  const found = new Map<string, DiscoveredDevice>();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined);
    socket.setBroadcast(true);
    socket.on('message', (msg, rinfo) => {
      const d = parseDiscoveryReply(msg, rinfo);
      if (d) found.set(`${d.host}:${d.port}:${d.mac}`, d);
    });
    const packet = discoveryPacket(opts.localIp ?? '0.0.0.0', socket.address().port);
    socket.send(packet, opts.port ?? 80, opts.address ?? '255.255.255.255');
    await new Promise((r) => setTimeout(r, opts.timeoutMs ?? 2000));
    return [...found.values()];
  } finally {
    await new Promise<void>((r) => socket.close(() => r()));
  }
}

export class BroadlinkClient {
  readonly host: string;
  readonly port: number;
  readonly stats: ClientStats = { requests: 0, attempts: 0, timeouts: 0, retries: 0, reauths: 0, ignored: 0 };
  private mac: Buffer | null;
  private deviceType: number | null;
  private family: Family | null;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly learnPollMs: number;
  private socket: Socket | null = null;
  private opening: Promise<Socket> | null = null;
  private key: Buffer = INITIAL_KEY;
  private id = Buffer.alloc(4);
  private authed = false;
  private count = Math.floor(Math.random() * 0x7fff);
  private readonly pending = new Set<Pending>();
  /** One request at a time: the tail of the queue. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(opts: ClientOptions) {
    this.host = opts.host;
    this.port = opts.port ?? 80;
    this.mac = opts.mac ? parseMac(opts.mac) : null;
    this.deviceType = opts.deviceType ?? null;
    this.family = opts.family ?? (opts.deviceType !== undefined ? familyOf(opts.deviceType) : null);
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.retries = opts.retries ?? 1;
    this.learnPollMs = opts.learnPollMs ?? 1000;
  }

  get authenticated(): boolean {
    return this.authed;
  }

  get info(): { mac: string | null; deviceType: number | null; family: Family | null } {
    return {
      mac: this.mac ? [...this.mac].map((b) => b.toString(16).padStart(2, '0')).join(':') : null,
      deviceType: this.deviceType,
      family: this.family,
    };
  }

  /** Closes the socket; pending and later requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending) p.resolve(Buffer.alloc(0));
    this.pending.clear();
    const s = this.socket;
    this.socket = null;
    this.opening = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Identifies the device (unicast discovery) when its MAC or type was not given, then authenticates. */
  async connect(): Promise<void> {
    await this.serial(async () => {
      if (!this.mac || this.deviceType === null) await this.identify();
      await this.authenticate();
    });
  }

  /** Sends an IR/RF packet `repeat` times. */
  async sendCode(packet: Buffer, repeat = 1, gapMs = 0): Promise<void> {
    for (let i = 0; i < repeat; i++) {
      await this.call(SUB.SEND, packet);
      if (gapMs > 0 && i < repeat - 1) await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  /**
   * Enters learning and polls "check data" every second until a code arrives or `durationMs` passes (skipping the
   * device's "nothing yet" errors); cancels learning when nothing came. Null when nothing was received.
   */
  async learn(durationMs: number, signal?: AbortSignal): Promise<Buffer | null> {
    await this.call(SUB.LEARN);
    const deadline = Date.now() + durationMs;
    try {
      while (Date.now() < deadline) {
        await sleep(Math.min(this.learnPollMs, Math.max(0, deadline - Date.now())), signal);
        try {
          const data = await this.call(SUB.CHECK_DATA);
          if (data.length > 0) return Buffer.from(data);
        } catch (err) {
          if (!(err instanceof BroadlinkError) || err.code === null || !SKIP_WHILE_LEARNING.has(err.code)) throw err;
        }
      }
    } catch (err) {
      await this.cancelLearning().catch(() => undefined);
      throw err;
    }
    await this.cancelLearning().catch(() => undefined);
    return null;
  }

  async cancelLearning(): Promise<void> {
    await this.call(SUB.CANCEL);
  }

  /** Temperature (°C) and humidity (%) of an RM4. */
  async sensors(): Promise<{ temperature: number; humidity: number }> {
    const d = await this.call(SUB.SENSORS);
    if (d.length < 4) throw new BroadlinkError(`sensor reply of ${d.length} bytes is too short`, null);
    return { temperature: d.readInt8(0) + d[1] / 100, humidity: d[2] + d[3] / 100 };
  }

  /** One remote subcommand; authenticates first, and once more if the device forgot the session. */
  async call(sub: number, data?: Buffer): Promise<Buffer> {
    return this.serial(async () => {
      if (!this.authed) {
        if (!this.family) await this.identify();
        await this.authenticate();
      }
      try {
        return await this.remote(sub, data);
      } catch (err) {
        if (err instanceof BroadlinkError && (err.code === -2 || err.code === -7)) {
          this.stats.reauths++;
          this.authed = false;
          await this.authenticate();
          return this.remote(sub, data);
        }
        throw err;
      }
    });
  }

  private async remote(sub: number, data?: Buffer): Promise<Buffer> {
    const family = this.family ?? 'rm4';
    const reply = await this.request(CMD_REQUEST, this.key, remotePayload(family, sub, data));
    try {
      return remoteData(family, decrypt(this.key, reply));
    } catch (err) {
      throw new BroadlinkError(`unreadable reply from ${this.host}:${this.port}: ${(err as Error).message}`, null);
    }
  }

  private async authenticate(): Promise<void> {
    this.key = INITIAL_KEY;
    this.id = Buffer.alloc(4);
    const reply = await this.request(CMD_AUTH, INITIAL_KEY, authPayload());
    const payload = decrypt(INITIAL_KEY, reply);
    if (payload.length < 0x14) throw new BroadlinkError(`auth reply of ${payload.length} bytes is too short`, null);
    this.id = Buffer.from(payload.subarray(0, 4));
    this.key = Buffer.from(payload.subarray(4, 20));
    this.authed = true;
  }

  private async identify(): Promise<void> {
    const socket = await this.open();
    let lastErr = '';
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const got = await new Promise<DiscoveredDevice | null>((resolve) => {
        const onMsg = (msg: Buffer, rinfo: RemoteInfo) => {
          if (msg.length !== 0x80 || !this.fromDevice(rinfo)) return;
          const d = parseDiscoveryReply(msg, rinfo);
          if (!d) return;
          cleanup();
          resolve(d);
        };
        const timer = setTimeout(() => {
          cleanup();
          resolve(null);
        }, this.timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          socket.off('message', onMsg);
        };
        socket.on('message', onMsg);
        socket.send(discoveryPacket('0.0.0.0', socket.address().port), this.port, this.host, (err) => {
          if (err) lastErr = err.message;
        });
      });
      if (got) {
        this.mac ??= parseMac(got.mac);
        this.deviceType ??= got.deviceType;
        this.family ??= familyOf(got.deviceType);
        return;
      }
    }
    throw new BroadlinkError(`no Broadlink device answered discovery at ${this.host}:${this.port}${lastErr ? ` (${lastErr})` : ''}`, null);
  }

  private fromDevice(rinfo: RemoteInfo): boolean {
    return rinfo.port === this.port && (rinfo.address === this.host || this.host === 'localhost');
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private open(): Promise<Socket> {
    if (this.closed) return Promise.reject(new BroadlinkError('the client is closed', null));
    if (this.socket) return Promise.resolve(this.socket);
    this.opening ??= new Promise<Socket>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, () => {
        s.off('error', reject);
        s.on('error', () => undefined);
        s.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
        this.socket = s;
        resolve(s);
      });
    });
    return this.opening;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length === 0x80) return; // a discovery answer (identify() listens for those); never a command reply
    const h = parseReply(msg);
    if (typeof h === 'string' || !this.fromDevice(rinfo)) {
      this.stats.ignored++;
      return;
    }
    for (const p of this.pending) {
      if (p.counts.includes(h.count)) {
        this.pending.delete(p);
        p.resolve(msg);
        return;
      }
    }
    this.stats.ignored++; // a late answer to an attempt already given up, or someone else's
  }

  private nextCount(): number {
    this.count = ((this.count + 1) | 0x8000) & 0xffff;
    return this.count;
  }

  /** One request with a timeout per attempt and `retries` more attempts; resolves with the encrypted payload. */
  private async request(command: number, key: Buffer, payload: Buffer): Promise<Buffer> {
    const socket = await this.open();
    this.stats.requests++;
    const pending: Pending = { counts: [], resolve: () => undefined };
    const answered = new Promise<Buffer>((resolve) => {
      pending.resolve = resolve;
    });
    this.pending.add(pending);
    try {
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        if (this.closed) throw new BroadlinkError('the client is closed', null);
        if (attempt > 0) this.stats.retries++;
        this.stats.attempts++;
        const count = this.nextCount();
        pending.counts.push(count);
        const packet = commandPacket(
          { deviceType: this.deviceType ?? 0x51da, command, count, mac: this.mac ?? Buffer.alloc(6), id: this.id },
          key,
          payload,
        );
        socket.send(packet, this.port, this.host);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<null>((r) => {
          timer = setTimeout(() => r(null), this.timeoutMs);
        });
        const msg = await Promise.race([answered, timeout]);
        clearTimeout(timer);
        if (msg === null) {
          this.stats.timeouts++;
          continue;
        }
        if (msg.length === 0) throw new BroadlinkError('the client is closed', null);
        const h = parseReply(msg);
        if (typeof h === 'string') throw new BroadlinkError(h, null);
        if (h.error !== 0) throw new BroadlinkError(`${this.host}:${this.port}: ${ERROR_TEXT[h.error] ?? `error ${h.error}`}`, h.error);
        return h.encrypted;
      }
      throw new BroadlinkError(
        `no reply from the Broadlink device at ${this.host}:${this.port} after ${this.retries + 1} attempts of ${this.timeoutMs} ms`,
        null,
      );
    } finally {
      this.pending.delete(pending);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BroadlinkError('learning was cancelled', null));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new BroadlinkError('learning was cancelled', null));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
