// The IR code library in SQLite: device → command → one base64 code or a toggle pair, with Home Assistant's Broadlink
// codes file ({device: {command: b64 | [b64, b64]}}) and SmartIR JSON code sets in and out.
import { and, asc, eq } from 'drizzle-orm';
import { InvalidError, NotFoundError } from '../../errors';
import type { OpenedDb } from '../../store/db';
import { irCodes, irToggles } from '../../store/schema/ir';
import { decodeCode } from './protocol';

export type HaCodes = Record<string, Record<string, string | string[]>>;

export interface SmartIrCodeSet {
  manufacturer?: string;
  supportedModels?: string[];
  supportedController: string;
  commandsEncoding: string;
  minTemperature?: number;
  maxTemperature?: number;
  precision?: number;
  operationModes?: string[];
  fanModes?: string[];
  commands: Record<string, unknown>;
  [k: string]: unknown;
}

const NAME = /^[\p{L}\p{N}_ .\-/]{1,64}$/u;

function checkName(what: string, v: string): string {
  if (!NAME.test(v)) throw new InvalidError(`${what}: "${v}" must be 1–64 letters, digits, spaces or _ . - /`);
  return v;
}

/** Validates one stored code (base64 of a Broadlink packet, "b64:" prefix allowed) and returns it without the prefix. */
export function normaliseCode(where: string, code: unknown): string {
  if (typeof code !== 'string') throw new InvalidError(`${where}: a code must be a base64 string`);
  try {
    decodeCode(code);
  } catch (err) {
    throw new InvalidError(`${where}: ${(err as Error).message}`);
  }
  return code.startsWith('b64:') ? code.slice(4) : code;
}

export class CodeLibrary {
  constructor(private readonly db: OpenedDb) {}

  devices(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of this.db.db
      .select({ device: irCodes.device, command: irCodes.command })
      .from(irCodes)
      .orderBy(asc(irCodes.device), asc(irCodes.command))
      .all()) {
      (out[r.device] ??= []).push(r.command);
    }
    return out;
  }

  /** The codes of a command (one, or a toggle pair); unknown names list the known ones. */
  get(device: string, command: string): string[] {
    const row = this.db.db
      .select({ codes: irCodes.codes })
      .from(irCodes)
      .where(and(eq(irCodes.device, device), eq(irCodes.command, command)))
      .get();
    if (row) return JSON.parse(row.codes) as string[];
    const all = this.devices();
    if (!all[device]) {
      const known = Object.keys(all);
      throw new NotFoundError(
        `no IR device "${device}" in the code library; known devices: ${known.length ? known.join(', ') : 'none (learn or import codes first)'}`,
      );
    }
    throw new NotFoundError(`device "${device}" has no command "${command}"; its commands: ${all[device].join(', ')}`);
  }

  put(device: string, command: string, codes: string[], source: 'learned' | 'imported', blaster: string | null = null): void {
    checkName('device_id', device);
    checkName('command', command);
    if (codes.length < 1 || codes.length > 2) throw new InvalidError(`${device}/${command}: one code or a toggle pair of two`);
    const clean = codes.map((c, i) => normaliseCode(`${device}/${command}${codes.length > 1 ? `[${i}]` : ''}`, c));
    const row = { device, command, codes: JSON.stringify(clean), source, blaster, updated_ts: Date.now() / 1000 };
    this.db.db
      .insert(irCodes)
      .values(row)
      .onConflictDoUpdate({
        target: [irCodes.device, irCodes.command],
        set: { codes: row.codes, source, blaster, updated_ts: row.updated_ts },
      })
      .run();
    this.db.db
      .delete(irToggles)
      .where(and(eq(irToggles.device, device), eq(irToggles.command, command)))
      .run();
  }

  /** Deletes one command, or every command of the device when `command` is absent; the number deleted. */
  delete(device: string, command?: string): number {
    if (command !== undefined)
      this.get(device, command); // names the known ones when absent
    else if (!this.devices()[device]) this.get(device, '');
    const where = command === undefined ? eq(irCodes.device, device) : and(eq(irCodes.device, device), eq(irCodes.command, command));
    const tWhere = command === undefined ? eq(irToggles.device, device) : and(eq(irToggles.device, device), eq(irToggles.command, command));
    this.db.db.delete(irToggles).where(tWhere).run();
    return this.db.db.delete(irCodes).where(where).run().changes;
  }

  /** The code to send now: the only one, or the next of a toggle pair (which then flips). */
  next(device: string, command: string): string {
    const codes = this.get(device, command);
    if (codes.length === 1) return codes[0];
    const key = and(eq(irToggles.device, device), eq(irToggles.command, command));
    const row = this.db.db.select({ next: irToggles.next }).from(irToggles).where(key).get();
    const i = row ? row.next % codes.length : 0;
    this.db.db
      .insert(irToggles)
      .values({ device, command, next: (i + 1) % codes.length })
      .onConflictDoUpdate({ target: [irToggles.device, irToggles.command], set: { next: (i + 1) % codes.length } })
      .run();
    return codes[i];
  }

  /** Home Assistant's Broadlink codes file (one device or all). Validates everything before storing anything. */
  importHa(data: unknown): { devices: number; commands: number } {
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw new InvalidError('codes: expected {device: {command: code | [code, code]}}');
    const rows: [string, string, string[]][] = [];
    for (const [device, cmds] of Object.entries(data as Record<string, unknown>)) {
      checkName('device', device);
      if (!cmds || typeof cmds !== 'object' || Array.isArray(cmds))
        throw new InvalidError(`codes.${device}: expected {command: code | [code, code]}`);
      for (const [command, code] of Object.entries(cmds as Record<string, unknown>)) {
        checkName(`codes.${device}`, command);
        const list = Array.isArray(code) ? code : [code];
        if (list.length < 1 || list.length > 2) throw new InvalidError(`codes.${device}.${command}: one code or a toggle pair of two`);
        rows.push([device, command, list.map((c, i) => normaliseCode(`codes.${device}.${command}${list.length > 1 ? `[${i}]` : ''}`, c))]);
      }
    }
    this.db.sqlite.transaction(() => {
      for (const [d, c, codes] of rows) this.put(d, c, codes, 'imported');
    })();
    return { devices: new Set(rows.map((r) => r[0])).size, commands: rows.length };
  }

  exportHa(device?: string): HaCodes {
    const out: HaCodes = {};
    const q = this.db.db.select().from(irCodes);
    const rows = (device ? q.where(eq(irCodes.device, device)) : q).orderBy(asc(irCodes.device), asc(irCodes.command)).all();
    if (device && rows.length === 0) this.get(device, '');
    for (const r of rows) {
      const codes = JSON.parse(r.codes) as string[];
      (out[r.device] ??= {})[r.command] = codes.length === 1 ? codes[0] : codes;
    }
    return out;
  }

  /** A SmartIR JSON code set as commands of `device`: nested keys joined by "/" ("cool/auto/24"). */
  importSmartIr(device: string, data: unknown): { commands: number } {
    const set = validateSmartIr(data);
    const rows: [string, string][] = [];
    const walk = (prefix: string[], node: unknown) => {
      if (typeof node === 'string') {
        rows.push([prefix.join('/'), normaliseCode(`commands.${prefix.join('.')}`, node)]);
        return;
      }
      if (!node || typeof node !== 'object' || Array.isArray(node))
        throw new InvalidError(`commands.${prefix.join('.')}: expected a code or an object`);
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk([...prefix, k], v);
    };
    walk([], set.commands);
    if (rows.length === 0) throw new InvalidError('commands: the code set has no codes');
    this.db.sqlite.transaction(() => {
      for (const [c, code] of rows) this.put(device, c, [code], 'imported');
    })();
    return { commands: rows.length };
  }

  exportSmartIr(device: string, meta: Partial<SmartIrCodeSet> = {}): SmartIrCodeSet {
    const codes = this.exportHa(device)[device] ?? {};
    const commands: Record<string, unknown> = {};
    for (const [command, code] of Object.entries(codes)) {
      const path = command.split('/');
      let node = commands;
      for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
      node[path[path.length - 1]] = Array.isArray(code) ? code[0] : code;
    }
    return { ...meta, supportedController: 'Broadlink', commandsEncoding: 'Base64', commands };
  }
}

export function validateSmartIr(data: unknown): SmartIrCodeSet {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InvalidError('code set: expected a SmartIR JSON object');
  const s = data as SmartIrCodeSet;
  if (s.supportedController !== 'Broadlink')
    throw new InvalidError(`supportedController: "${String(s.supportedController)}" is not supported (only Broadlink)`);
  if (s.commandsEncoding !== 'Base64')
    throw new InvalidError(`commandsEncoding: "${String(s.commandsEncoding)}" is not supported (only Base64)`);
  if (!s.commands || typeof s.commands !== 'object' || Array.isArray(s.commands)) throw new InvalidError('commands: expected an object');
  return s;
}
