// Broadlink's wire format (python-broadlink device.py / remote.py): checksums, AES-128-CBC, the discovery packet,
// the 0x38-byte command header and the two remote payload families. Pure functions; the client owns the sockets.
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const INITIAL_KEY = Buffer.from('097628343fe99e23765c1513accf8b02', 'hex');
export const IV = Buffer.from('562e17996d093d28ddb3ba695a2e6f58', 'hex');
export const MAGIC = Buffer.from('5aa5aa555aa5aa55', 'hex');

export const CMD_AUTH = 0x65;
export const CMD_REQUEST = 0x6a;
export const SUB = { SEND: 0x02, LEARN: 0x03, CHECK_DATA: 0x04, CANCEL: 0x1e, SENSORS: 0x24 } as const;

/** The payload family: RM4 (and newer RM mini 3) prefix a u16 length; the classic RM mini 3 does not. */
export type Family = 'rm4' | 'rmmini';

/** Device types python-broadlink knows as remotes, by payload family (a missing type defaults to rm4). */
const RMMINI_TYPES = new Set([
  0x2737, 0x273d, 0x277c, 0x2783, 0x2787, 0x278b, 0x278f, 0x2797, 0x279d, 0x27a1, 0x27a6, 0x27a9, 0x27c2, 0x27c3, 0x27c7, 0x27cc, 0x27cd,
  0x27d0, 0x27d1, 0x27d3, 0x27de, 0x2712,
]);

export function familyOf(deviceType: number): Family {
  return RMMINI_TYPES.has(deviceType) ? 'rmmini' : 'rm4';
}

/** Error codes of the header (int16 LE at 0x22), in words. */
export const ERROR_TEXT: Record<number, string> = {
  [-1]: 'authentication failed (the device refused our key)',
  [-2]: 'logged out (the device forgot our session)',
  [-3]: 'the device is offline',
  [-4]: 'command not supported by this device',
  [-5]: 'the device storage is full',
  [-6]: 'structure is abnormal',
  [-7]: 'control key is expired',
  [-8]: 'send error',
  [-9]: 'write error',
  [-10]: 'read error (nothing received yet)',
};

export function checksum(buf: Buffer): number {
  let sum = 0xbeaf;
  for (const b of buf) sum += b;
  return sum & 0xffff;
}

export function encrypt(key: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv('aes-128-cbc', key, IV);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(pad16(plain)), c.final()]);
}

export function decrypt(key: Buffer, data: Buffer): Buffer {
  if (data.length % 16 !== 0) throw new Error(`encrypted payload of ${data.length} bytes is not a whole number of blocks`);
  const c = createDecipheriv('aes-128-cbc', key, IV);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

export function pad16(b: Buffer): Buffer {
  const rem = b.length % 16;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(16 - rem)]);
}

export function parseMac(text: string): Buffer {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{1,2}$/i.test(p)))
    throw new Error(`"${text}" is not a MAC address (aa:bb:cc:dd:ee:ff)`);
  return Buffer.from(parts.map((p) => Number.parseInt(p, 16)));
}

export function macText(mac: Buffer): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The 48-byte discovery request: where to answer (our address and port), with its checksum at 0x20. */
export function discoveryPacket(localIp: string, localPort: number, now = new Date()): Buffer {
  const p = Buffer.alloc(0x30);
  const tzHours = -now.getTimezoneOffset() / 60;
  p.writeInt32LE(Math.trunc(tzHours), 0x08);
  p.writeUInt16LE(now.getFullYear(), 0x0c);
  p[0x0e] = now.getMinutes();
  p[0x0f] = now.getHours();
  p[0x10] = now.getFullYear() % 100;
  p[0x11] = now.getDay() || 7;
  p[0x12] = now.getDate();
  p[0x13] = now.getMonth() + 1;
  const ip = localIp.split('.').map(Number);
  for (let i = 0; i < 4; i++) p[0x18 + i] = ip[3 - i] ?? 0;
  p.writeUInt16LE(localPort, 0x1c);
  p[0x26] = 6;
  p.writeUInt16LE(checksum(p), 0x20);
  return p;
}

export interface DiscoveredDevice {
  host: string;
  port: number;
  deviceType: number;
  mac: string;
  name: string;
  locked: boolean;
}

export function parseDiscoveryReply(msg: Buffer, from: { address: string; port: number }): DiscoveredDevice | null {
  if (msg.length < 0x80) return null;
  const nameEnd = msg.indexOf(0, 0x40);
  return {
    host: from.address,
    port: from.port,
    deviceType: msg.readUInt16LE(0x34),
    mac: macText(Buffer.from(msg.subarray(0x3a, 0x40)).reverse()),
    name: msg.subarray(0x40, nameEnd < 0 || nameEnd > 0x7f ? 0x7f : nameEnd).toString('utf8'),
    locked: msg[0x7f] !== 0,
  };
}

export interface RequestHeader {
  deviceType: number;
  command: number;
  count: number;
  mac: Buffer;
  id: Buffer;
}

/** One command packet: header, the plaintext payload's checksum at 0x34, the encrypted payload, the checksum at 0x20. */
export function commandPacket(h: RequestHeader, key: Buffer, payload: Buffer): Buffer {
  const plain = pad16(payload);
  const header = Buffer.alloc(0x38);
  MAGIC.copy(header, 0);
  header.writeUInt16LE(h.deviceType, 0x24);
  header.writeUInt16LE(h.command, 0x26);
  header.writeUInt16LE(h.count, 0x28);
  Buffer.from(h.mac).reverse().copy(header, 0x2a);
  h.id.copy(header, 0x30);
  header.writeUInt16LE(checksum(plain), 0x34);
  const packet = Buffer.concat([header, encrypt(key, plain)]);
  packet.writeUInt16LE(checksum(packet), 0x20);
  return packet;
}

export interface ReplyHeader {
  error: number;
  command: number;
  count: number;
  encrypted: Buffer;
}

/** A reply's header, or why it is not one (short, wrong magic, bad checksum). */
export function parseReply(msg: Buffer): ReplyHeader | string {
  if (msg.length < 0x38) return `a ${msg.length}-byte packet is too short`;
  if (!msg.subarray(0, 8).equals(MAGIC)) return 'no Broadlink magic';
  const copy = Buffer.from(msg);
  copy.writeUInt16LE(0, 0x20);
  if (checksum(copy) !== msg.readUInt16LE(0x20)) return 'bad checksum';
  return { error: msg.readInt16LE(0x22), command: msg.readUInt16LE(0x26), count: msg.readUInt16LE(0x28), encrypted: msg.subarray(0x38) };
}

export function authPayload(): Buffer {
  const p = Buffer.alloc(0x50);
  p.fill(0x31, 0x04, 0x14);
  p[0x1e] = 0x01;
  p[0x2d] = 0x01;
  p.write('Test 1', 0x30, 'latin1');
  return p;
}

/** The remote payload for a subcommand in the given family. */
export function remotePayload(family: Family, sub: number, data: Buffer = Buffer.alloc(0)): Buffer {
  if (family === 'rm4') {
    const p = Buffer.alloc(6 + data.length);
    p.writeUInt16LE(data.length + 4, 0);
    p.writeUInt32LE(sub, 2);
    data.copy(p, 6);
    return p;
  }
  const p = Buffer.alloc(4 + data.length);
  p.writeUInt32LE(sub, 0);
  data.copy(p, 4);
  return p;
}

/** The data of a decrypted remote reply. */
export function remoteData(family: Family, payload: Buffer): Buffer {
  if (family === 'rm4') {
    if (payload.length < 6) throw new Error(`reply payload of ${payload.length} bytes is too short`);
    const len = payload.readUInt16LE(0);
    if (len < 4 || len + 2 > payload.length)
      throw new Error(`reply length ${len} does not fit a ${payload.length}-byte payload (wrong key?)`);
    return payload.subarray(6, len + 2);
  }
  return payload.subarray(4);
}

/** A code as HA and SmartIR store it: base64 of the IR/RF packet, optionally prefixed "b64:". */
export function decodeCode(text: string): Buffer {
  const b64 = text.startsWith('b64:') ? text.slice(4) : text;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error('the code is not base64');
  const data = Buffer.from(b64, 'base64');
  if (data.length < 4 || ![0x26, 0xb2, 0xd7].includes(data[0]))
    throw new Error('the code is not a Broadlink IR/RF packet (it must start with 0x26 IR, 0xb2 or 0xd7 RF)');
  return data;
}
