// A Broadlink RM4 mini (or RM mini 3) on UDP, byte for byte as python-broadlink describes the device: discovery,
// the 0x38-byte command header with its two checksums, AES-128-CBC under the initial key until auth hands out a
// session key and id, and the remote subcommands (send, enter learning, check data, cancel, sensors). A learned
// code appears a delay after "enter learning"; before that, check data answers error -10 like the real device.
// Faults for tests: packet loss (requests and replies), a device that uses a different key, a reboot that forgets
// the session. It is written from the protocol, not from our client (node-broadlink cross-checks it in the tests).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

const INITIAL_KEY = Buffer.from('097628343fe99e23765c1513accf8b02', 'hex');
const IV = Buffer.from('562e17996d093d28ddb3ba695a2e6f58', 'hex');
const MAGIC = Buffer.from('5aa5aa555aa5aa55', 'hex');

/** Error codes the device answers in the header at 0x22 (int16 LE). */
export const DEVICE_ERRORS = { AUTH: -1, LOGGED_OUT: -2, NOT_SUPPORTED: -4, STORAGE: -5, READ: -10 } as const;

export interface SimulatorOptions {
  /** 'rm4' (RM4 mini, 0x51da: payloads prefixed by a u16 length) or 'rmmini' (RM mini 3, 0x27c2). */
  family?: 'rm4' | 'rmmini';
  /** Device type written in discovery and headers; defaults from the family. */
  deviceType?: number;
  mac?: string;
  name?: string;
  host?: string;
  port?: number;
  /** How long after "enter learning" the simulated button press arrives (ms). */
  learnDelayMs?: number;
  /** The code the button press produces (an IR packet); a fixed NEC-like packet by default. */
  learnCode?: Buffer;
  /** Probability of dropping each incoming request and each outgoing reply. */
  loss?: number;
  /** The device uses another initial key: nobody speaking the standard key can authenticate. */
  wrongKey?: boolean;
  temperature?: number;
  humidity?: number;
}

export interface SentCode {
  at: number;
  data: Buffer;
}

function checksum(buf: Buffer): number {
  let sum = 0xbeaf;
  for (const b of buf) sum += b;
  return sum & 0xffff;
}

function aes(key: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv('aes-128-cbc', key, IV) : createCipheriv('aes-128-cbc', key, IV);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

function pad16(b: Buffer): Buffer {
  const rem = b.length % 16;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(16 - rem)]);
}

/** A plausible learned IR packet: 0x26 IR, no repeat, NEC-style pulses in 2^-15 s ticks, ending 00 0d 05. */
export function sampleIrPacket(seed = 0): Buffer {
  const pulses: number[] = [0x128, 0x94]; // 9 ms mark (written 00 01 28), 4.5 ms space
  for (let i = 0; i < 32; i++) pulses.push(0x12, (seed >> (i % 8)) & 1 || i % 3 === 0 ? 0x37 : 0x12);
  pulses.push(0x12);
  const body: number[] = [];
  for (const p of pulses) {
    if (p > 255) body.push(0x00, p >> 8, p & 0xff);
    else body.push(p);
  }
  const head = Buffer.from([0x26, 0x00, 0, 0]);
  const tail = Buffer.from([0x00, 0x0d, 0x05]);
  const data = Buffer.concat([Buffer.from(body), tail]);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

export class BroadlinkSimulator {
  readonly family: 'rm4' | 'rmmini';
  readonly deviceType: number;
  readonly mac: Buffer;
  readonly name: string;
  /** Every code the device was asked to send, in order. */
  readonly sent: SentCode[] = [];
  /** Counters for tests and benches. */
  readonly stats = { requests: 0, dropped: 0, replies: 0, badChecksum: 0, auths: 0 };
  loss: number;
  /** Drops every n-th packet (requests and replies counted together; 0: none): loss a test can count on. */
  dropEvery = 0;
  private packets = 0;
  wrongKey: boolean;
  learnDelayMs: number;
  learnCode: Buffer;
  temperature: number;
  humidity: number;
  private socket: Socket | null = null;
  private key: Buffer = INITIAL_KEY;
  private id = Buffer.alloc(4);
  private authed = false;
  private learning: { since: number; code: Buffer | null; timer: NodeJS.Timeout } | null = null;
  private readonly deviceKey: Buffer;
  private boundPort = 0;

  constructor(private readonly opts: SimulatorOptions = {}) {
    this.family = opts.family ?? 'rm4';
    this.deviceType = opts.deviceType ?? (this.family === 'rm4' ? 0x51da : 0x27c2);
    this.mac = Buffer.from((opts.mac ?? '34:ea:34:b4:5c:01').split(':').map((h) => Number.parseInt(h, 16)));
    this.name = opts.name ?? (this.family === 'rm4' ? 'RM4 mini' : 'RM mini 3');
    this.loss = opts.loss ?? 0;
    this.wrongKey = opts.wrongKey ?? false;
    this.learnDelayMs = opts.learnDelayMs ?? 1500;
    this.learnCode = opts.learnCode ?? sampleIrPacket(0x5a);
    this.temperature = opts.temperature ?? 22.5;
    this.humidity = opts.humidity ?? 41.25;
    this.deviceKey = randomBytes(16);
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  get macText(): string {
    return [...this.mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  async start(): Promise<this> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port ?? 0, this.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.boundPort = socket.address().port;
    return this;
  }

  async stop(): Promise<void> {
    if (this.learning) clearTimeout(this.learning.timer);
    this.learning = null;
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The device restarts: the session key and id are forgotten (clients must authenticate again). */
  reboot(): void {
    this.key = INITIAL_KEY;
    this.authed = false;
    this.id = Buffer.alloc(4);
  }

  /** A person presses a button on the remote now (only while learning). */
  press(code: Buffer = this.learnCode): boolean {
    if (!this.learning) return false;
    this.learning.code = code;
    return true;
  }

  get isLearning(): boolean {
    return this.learning !== null;
  }

  private drop(): boolean {
    this.packets++;
    if ((this.dropEvery > 0 && this.packets % this.dropEvery === 0) || (this.loss > 0 && Math.random() < this.loss)) {
      this.stats.dropped++;
      return true;
    }
    return false;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo) {
    this.stats.requests++;
    if (this.drop()) return;
    if (msg.length === 0x30 && msg[0x26] === 6) return this.onDiscover(msg, rinfo);
    if (msg.length < 0x38 || !msg.subarray(0, 8).equals(MAGIC)) return; // not ours: a real device stays silent
    const nominal = msg.readUInt16LE(0x20);
    const copy = Buffer.from(msg);
    copy.writeUInt16LE(0, 0x20);
    if (checksum(copy) !== nominal) {
      this.stats.badChecksum++;
      return;
    }
    const command = msg.readUInt16LE(0x26);
    const count = msg.readUInt16LE(0x28);
    const encrypted = msg.subarray(0x38);
    if (encrypted.length % 16 !== 0) return;
    if (command === 0x65) return this.onAuth(encrypted, count, rinfo);
    if (command === 0x6a) return this.onCommand(msg, encrypted, count, rinfo);
    this.reply(rinfo, command + 0x3e8, count, DEVICE_ERRORS.NOT_SUPPORTED, null);
  }

  private onDiscover(msg: Buffer, rinfo: RemoteInfo) {
    const nominal = msg.readUInt16LE(0x20);
    const copy = Buffer.from(msg);
    copy.writeUInt16LE(0, 0x20);
    if (checksum(copy) !== nominal) {
      this.stats.badChecksum++;
      return;
    }
    const r = Buffer.alloc(0x80);
    MAGIC.copy(r, 0);
    r.writeUInt16LE(this.deviceType, 0x34);
    const ip = this.host.split('.').map(Number);
    for (let i = 0; i < 4; i++) r[0x36 + i] = ip[3 - i] ?? 0;
    Buffer.from([...this.mac].reverse()).copy(r, 0x3a);
    Buffer.from(this.name, 'utf8').subarray(0, 0x3e).copy(r, 0x40);
    r[0x7f] = 0; // not locked
    r.writeUInt16LE(checksum(r), 0x20);
    this.send(r, rinfo);
  }

  private onAuth(encrypted: Buffer, count: number, rinfo: RemoteInfo) {
    this.stats.auths++;
    const initial = this.wrongKey ? this.deviceKey : INITIAL_KEY;
    const payload = aes(initial, encrypted, true);
    // A request under another key decrypts to noise: the "Test 1" marker at 0x30 is not there.
    if (payload.length < 0x50 || payload.subarray(0x30, 0x36).toString('latin1') !== 'Test 1') {
      this.reply(rinfo, 0x3e9, count, DEVICE_ERRORS.AUTH, null);
      return;
    }
    this.id = randomBytes(4);
    const session = randomBytes(16);
    const out = Buffer.alloc(0x20);
    this.id.copy(out, 0);
    session.copy(out, 4);
    // The reply travels under the initial key; what follows uses the session key.
    this.key = initial;
    this.reply(rinfo, 0x3e9, count, 0, out);
    this.key = session;
    this.authed = true;
  }

  private onCommand(msg: Buffer, encrypted: Buffer, count: number, rinfo: RemoteInfo) {
    if (!this.authed || !msg.subarray(0x30, 0x34).equals(this.id)) {
      this.reply(rinfo, 0x3ee, count, DEVICE_ERRORS.LOGGED_OUT, null);
      return;
    }
    const payload = aes(this.key, encrypted, true);
    if (checksum(payload) !== msg.readUInt16LE(0x34)) {
      this.reply(rinfo, 0x3ee, count, DEVICE_ERRORS.LOGGED_OUT, null);
      return;
    }
    let sub: number;
    let data: Buffer;
    if (this.family === 'rm4') {
      const len = payload.readUInt16LE(0);
      if (len < 4 || len + 2 > payload.length) return this.reply(rinfo, 0x3ee, count, -6, null);
      sub = payload.readUInt32LE(2);
      data = payload.subarray(6, len + 2);
    } else {
      sub = payload.readUInt32LE(0);
      data = payload.subarray(4);
    }
    const answer = (err: number, out: Buffer = Buffer.alloc(0)) => {
      let body: Buffer;
      if (this.family === 'rm4') {
        body = Buffer.alloc(6 + out.length);
        body.writeUInt16LE(out.length + 4, 0);
        body.writeUInt32LE(sub, 2);
        out.copy(body, 6);
      } else {
        body = Buffer.alloc(4 + out.length);
        body.writeUInt32LE(sub, 0);
        out.copy(body, 4);
      }
      this.reply(rinfo, 0x3ee, count, err, body);
    };
    switch (sub) {
      case 0x02: {
        if (data.length < 4 || ![0x26, 0xb2, 0xd7].includes(data[0])) return answer(-6);
        this.sent.push({ at: Date.now(), data: Buffer.from(data) });
        return answer(0);
      }
      case 0x03: {
        if (this.learning) clearTimeout(this.learning.timer);
        const learning: { since: number; code: Buffer | null; timer: NodeJS.Timeout } = {
          since: Date.now(),
          code: null,
          timer: setTimeout(() => {
            if (this.learning === learning && !learning.code) learning.code = this.learnCode;
          }, this.learnDelayMs),
        };
        learning.timer.unref?.();
        this.learning = learning;
        return answer(0);
      }
      case 0x04: {
        const code = this.learning?.code;
        if (!code) return answer(DEVICE_ERRORS.READ);
        if (this.learning) clearTimeout(this.learning.timer);
        this.learning = null;
        return answer(0, code);
      }
      case 0x1e: {
        if (this.learning) clearTimeout(this.learning.timer);
        this.learning = null;
        return answer(0);
      }
      case 0x24: {
        if (this.family !== 'rm4') return answer(DEVICE_ERRORS.NOT_SUPPORTED);
        const t = Math.floor(this.temperature);
        const h = Math.floor(this.humidity);
        return answer(0, Buffer.from([t & 0xff, Math.round((this.temperature - t) * 100), h, Math.round((this.humidity - h) * 100)]));
      }
      default:
        return answer(DEVICE_ERRORS.NOT_SUPPORTED);
    }
  }

  private reply(rinfo: RemoteInfo, command: number, count: number, error: number, payload: Buffer | null): void {
    const header = Buffer.alloc(0x38);
    MAGIC.copy(header, 0);
    header.writeInt16LE(error, 0x22);
    header.writeUInt16LE(this.deviceType, 0x24);
    header.writeUInt16LE(command, 0x26);
    header.writeUInt16LE(count, 0x28);
    Buffer.from([...this.mac].reverse()).copy(header, 0x2a);
    this.id.copy(header, 0x30);
    let body: Buffer = Buffer.alloc(0);
    if (payload) {
      const plain = pad16(payload);
      header.writeUInt16LE(checksum(plain), 0x34);
      body = aes(this.key, plain, false);
    }
    const packet = Buffer.concat([header, body]);
    packet.writeUInt16LE(checksum(packet), 0x20);
    this.send(packet, rinfo);
  }

  private send(packet: Buffer, rinfo: RemoteInfo): void {
    if (this.drop()) return;
    this.stats.replies++;
    this.socket?.send(packet, rinfo.port, rinfo.address);
  }
}
