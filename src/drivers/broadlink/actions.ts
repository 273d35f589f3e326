// The IR actions (the original names): learn, send, list, delete, and the code library's import and export. Every
// call to a blaster goes through here, so through the door.
import type { ActionRegistry } from '../../actions/registry';
import type { EventIngest } from '../../bus/ingest';
import { InvalidError, NotFoundError, UnavailableError } from '../../errors';
import type { Logger } from '../../log';
import type { JsonObject } from '../../types';
import type { CodeLibrary } from './library';
import type { Blaster } from './part';
import { decodeCode } from './protocol';

export interface IrActionDeps {
  registry: ActionRegistry;
  library: CodeLibrary;
  blasters: Map<string, Blaster>;
  ingest: EventIngest;
  log: Logger;
}

const BLASTER = { type: 'string', minLength: 1, maxLength: 64, description: 'Which Broadlink blaster (default: the only or first one)' };

export function registerIrActions(d: IrActionDeps): void {
  /** The blaster named, or the one the device id names, or the first. */
  const blasterFor = (p: JsonObject): Blaster => {
    const known = [...d.blasters.keys()];
    if (known.length === 0) throw new UnavailableError('no Broadlink blaster is configured (option broadlink)');
    const wanted = typeof p.blaster === 'string' ? p.blaster : undefined;
    if (wanted !== undefined) {
      const b = d.blasters.get(wanted);
      if (!b) throw new NotFoundError(`no Broadlink blaster "${wanted}"; known blasters: ${known.join(', ')}`);
      return b;
    }
    const byDevice = typeof p.device_id === 'string' ? d.blasters.get(p.device_id) : undefined;
    return byDevice ?? (d.blasters.get(known[0]) as Blaster);
  };

  d.registry.register({
    name: 'ir_send_command',
    description:
      'Send an infrared/RF command through a Broadlink blaster: a command learned or imported for device_id, or a raw "b64:<code>".',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['device_id', 'command'],
      properties: {
        device_id: { type: 'string', minLength: 1, maxLength: 64, description: 'The device in the code library ("tv", "living_room_ac")' },
        command: { type: 'string', minLength: 1, maxLength: 8192, description: 'A command name, or b64:<base64 Broadlink packet>' },
        repeat: { type: 'integer', minimum: 1, maximum: 20, default: 1 },
        blaster: BLASTER,
      },
    },
    risk: 'safe',
    provider: 'broadlink',
    handler: async (p) => {
      const device = String(p.device_id);
      const command = String(p.command);
      const repeat = typeof p.repeat === 'number' ? p.repeat : 1;
      let packet: Buffer;
      if (command.startsWith('b64:')) {
        try {
          packet = decodeCode(command);
        } catch (err) {
          throw new InvalidError(`command: ${(err as Error).message}`);
        }
      } else packet = decodeCode(d.library.next(device, command));
      const b = blasterFor(p);
      await b.client.sendCode(packet, repeat, repeat > 1 ? 100 : 0);
      return { sent: true, blaster: b.name, device_id: device, command: command.startsWith('b64:') ? 'b64' : command, repeat };
    },
  });

  d.registry.register({
    name: 'ir_learn_command',
    description:
      'Put a Broadlink blaster in learning mode, wait for a button press on the remote (up to duration seconds) and store the code as device_id/command_name.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['device_id', 'command_name'],
      properties: {
        device_id: { type: 'string', minLength: 1, maxLength: 64 },
        command_name: { type: 'string', minLength: 1, maxLength: 64 },
        duration: { type: 'integer', minimum: 1, maximum: 120, default: 30, description: 'Seconds to wait for the press' },
        blaster: BLASTER,
      },
    },
    risk: 'safe',
    provider: 'broadlink',
    timeoutMs: 130_000,
    handler: async (p, ctx) => {
      const device = String(p.device_id);
      const command = String(p.command_name);
      const duration = typeof p.duration === 'number' ? p.duration : 30;
      const b = blasterFor(p);
      const code = await b.client.learn(duration * 1000, ctx.signal);
      if (!code)
        return { learned: false, device_id: device, command_name: command, reason: `no button press received within ${duration} s` };
      d.library.put(device, command, [code.toString('base64')], 'learned', b.name);
      d.ingest.emit('ir.learned', `broadlink:${b.name}`, { device_id: device, command_name: command, bytes: code.length });
      return { learned: true, device_id: device, command_name: command, blaster: b.name, code: `b64:${code.toString('base64')}` };
    },
  });

  d.registry.register({
    name: 'ir_list_commands',
    description: 'List the IR devices in the code library and their commands (one device when device_id is given).',
    params: {
      type: 'object',
      additionalProperties: false,
      properties: { device_id: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    risk: 'safe',
    provider: 'broadlink',
    handler: async (p) => {
      const all = d.library.devices();
      const blasters = [...d.blasters.values()].map((b) => ({ name: b.name, ok: b.health.ok, detail: b.health.detail }));
      if (typeof p.device_id === 'string') {
        if (!all[p.device_id]) d.library.get(p.device_id, '');
        return { devices: { [p.device_id]: all[p.device_id] }, blasters };
      }
      return { devices: all, blasters };
    },
  });

  d.registry.register({
    name: 'ir_delete_command',
    description: 'Delete a learned or imported IR command (or every command of device_id when command is omitted).',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['device_id'],
      properties: {
        device_id: { type: 'string', minLength: 1, maxLength: 64 },
        command: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
    risk: 'safe',
    provider: 'broadlink',
    handler: async (p) => {
      const deleted = d.library.delete(String(p.device_id), typeof p.command === 'string' ? p.command : undefined);
      return { deleted, device_id: p.device_id, command: p.command ?? null };
    },
  });

  d.registry.register({
    name: 'ir_import_codes',
    description:
      "Import IR codes: Home Assistant's Broadlink codes file ({device: {command: code | [code, code]}}) or a SmartIR JSON code set (needs device_id).",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['format', 'codes'],
      properties: {
        format: { type: 'string', enum: ['homeassistant', 'smartir'] },
        device_id: { type: 'string', minLength: 1, maxLength: 64 },
        codes: { type: 'object' },
      },
    },
    risk: 'safe',
    provider: 'broadlink',
    handler: async (p) => {
      if (p.format === 'smartir') {
        if (typeof p.device_id !== 'string') throw new InvalidError('device_id: required for a SmartIR code set');
        return { imported: d.library.importSmartIr(p.device_id, p.codes).commands, device_id: p.device_id };
      }
      return { imported: d.library.importHa(p.codes) };
    },
  });

  d.registry.register({
    name: 'ir_export_codes',
    description: "Export the IR code library as Home Assistant's Broadlink codes file, or one device as a SmartIR code set.",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['format'],
      properties: {
        format: { type: 'string', enum: ['homeassistant', 'smartir'] },
        device_id: { type: 'string', minLength: 1, maxLength: 64 },
      },
    },
    risk: 'safe',
    provider: 'broadlink',
    handler: async (p) => {
      const device = typeof p.device_id === 'string' ? p.device_id : undefined;
      if (p.format === 'smartir') {
        if (!device) throw new InvalidError('device_id: required for a SmartIR export');
        return d.library.exportSmartIr(device) as unknown as JsonObject;
      }
      return d.library.exportHa(device) as unknown as JsonObject;
    },
  });
}
