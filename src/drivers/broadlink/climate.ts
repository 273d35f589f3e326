// IR climate: a SmartIR climate code set attached to a Broadlink blaster becomes a Home Assistant `climate` entity
// through MQTT discovery (modes, fan modes, target temperature). An air conditioner cannot tell its state, so the last
// state sent is remembered (SQLite) and published. Commands from Home Assistant come back as door requests.
import type { MqttClient } from 'mqtt';
import type { ActionDoor } from '../../actions/door';
import type { ActionRegistry } from '../../actions/registry';
import type { MqttBridge } from '../../bus/mqtt';
import { InvalidError, NotFoundError, UnavailableError } from '../../errors';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import { irClimates } from '../../store/schema/ir';
import type { JsonObject } from '../../types';
import { normaliseCode, type SmartIrCodeSet, validateSmartIr } from './library';
import type { Blaster } from './part';
import { decodeCode } from './protocol';

export interface ClimateState {
  mode: string;
  fan: string;
  temperature: number;
}

interface Climate {
  name: string;
  blaster: string;
  set: SmartIrCodeSet;
  state: ClimateState;
}

const BASE = 'butler/ir_climate';

/** The code for a state: commands.off, or commands[mode][fan][(swing)][temperature]. */
export function climateCode(set: SmartIrCodeSet, s: ClimateState): string {
  const c = set.commands as Record<string, unknown>;
  if (s.mode === 'off') {
    if (typeof c.off !== 'string') throw new InvalidError('this code set has no "off" code');
    return c.off;
  }
  const byMode = c[s.mode] as Record<string, unknown> | undefined;
  if (!byMode || typeof byMode !== 'object')
    throw new InvalidError(`mode "${s.mode}" is not in the code set; modes: ${modesOf(set).join(', ')}`);
  let node = byMode[s.fan] as Record<string, unknown> | undefined;
  if (!node || typeof node !== 'object')
    throw new InvalidError(`fan "${s.fan}" is not in the code set for ${s.mode}; fans: ${Object.keys(byMode).join(', ')}`);
  const t = String(Number.isInteger(s.temperature) ? s.temperature : s.temperature.toFixed(1));
  // A swing level between fan and temperature: the first one (SmartIR sets without swing go straight to temperatures).
  if (!(t in node) && Object.values(node).every((v) => v && typeof v === 'object'))
    node = Object.values(node)[0] as Record<string, unknown>;
  const code = node[t] ?? node[String(Math.round(s.temperature))];
  if (typeof code !== 'string')
    throw new InvalidError(`no code for ${s.temperature}° in ${s.mode}/${s.fan}; temperatures: ${Object.keys(node).join(', ')}`);
  return code;
}

function modesOf(set: SmartIrCodeSet): string[] {
  return set.operationModes ?? Object.keys(set.commands).filter((k) => k !== 'off');
}

function fansOf(set: SmartIrCodeSet): string[] {
  if (set.fanModes) return set.fanModes;
  const first = Object.values(set.commands).find((v) => v && typeof v === 'object') as Record<string, unknown> | undefined;
  return first ? Object.keys(first) : [];
}

export interface ClimateDeps {
  db: OpenedDb;
  registry: ActionRegistry;
  blasters: Map<string, Blaster>;
  log: Logger;
  mqtt?: MqttBridge;
  door?: ActionDoor;
  mqttTrusted?: boolean;
}

export class IrClimates {
  private readonly climates = new Map<string, Climate>();
  private client: MqttClient | null = null;
  private readonly onMessage = (topic: string, payload: Buffer) => void this.onHa(topic, payload.toString('utf8').slice(0, 100));
  private readonly onConnect = () => this.announce();

  constructor(private readonly d: ClimateDeps) {
    for (const r of d.db.db.select().from(irClimates).all()) {
      try {
        this.climates.set(r.name, {
          name: r.name,
          blaster: r.blaster,
          set: validateSmartIr(JSON.parse(r.code_set)),
          state: JSON.parse(r.state) as ClimateState,
        });
      } catch (err) {
        d.log.warn({ climate: r.name, err: (err as Error).message }, 'stored IR climate unreadable: skipped');
      }
    }
    this.register();
  }

  start(): void {
    const c = this.d.mqtt?.client;
    if (!c) return;
    this.client = c;
    c.on('message', this.onMessage);
    c.on('connect', this.onConnect);
    if (c.connected) this.announce();
  }

  stop(): void {
    this.client?.off('message', this.onMessage);
    this.client?.off('connect', this.onConnect);
    this.client = null;
  }

  get(name: string): Climate {
    const c = this.climates.get(name);
    if (!c)
      throw new NotFoundError(
        `no IR climate "${name}"; known: ${[...this.climates.keys()].join(', ') || 'none (attach a SmartIR code set first)'}`,
      );
    return c;
  }

  private save(c: Climate): void {
    const row = {
      name: c.name,
      blaster: c.blaster,
      code_set: JSON.stringify(c.set),
      state: JSON.stringify(c.state),
      updated_ts: Date.now() / 1000,
    };
    this.d.db.db.insert(irClimates).values(row).onConflictDoUpdate({ target: irClimates.name, set: row }).run();
  }

  private register(): void {
    const r = this.d.registry;
    r.register({
      name: 'ir_climate_attach',
      description:
        'Attach a SmartIR climate code set to a Broadlink blaster: the air conditioner becomes a climate entity in Home Assistant.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'blaster', 'code_set'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9_]{1,40}$' },
          blaster: { type: 'string', minLength: 1, maxLength: 64 },
          code_set: { type: 'object' },
        },
      },
      risk: 'safe',
      provider: 'broadlink',
      handler: async (p) => {
        const blaster = String(p.blaster);
        if (!this.d.blasters.has(blaster))
          throw new NotFoundError(`no Broadlink blaster "${blaster}"; known blasters: ${[...this.d.blasters.keys()].join(', ')}`);
        const set = validateSmartIr(p.code_set);
        const walk = (path: string, v: unknown): void => {
          if (typeof v === 'string') normaliseCode(`code_set.commands${path}`, v);
          else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(`${path}.${k}`, x);
          else throw new InvalidError(`code_set.commands${path}: expected a code or an object`);
        };
        walk('', set.commands);
        const modes = modesOf(set);
        const fans = fansOf(set);
        if (!modes.length || !fans.length) throw new InvalidError('code_set: no operation modes or fan modes found');
        const min = set.minTemperature ?? 16;
        const c: Climate = {
          name: String(p.name),
          blaster,
          set,
          state: this.climates.get(String(p.name))?.state ?? {
            mode: 'off',
            fan: fans[0],
            temperature: Math.max(min, Math.min(set.maxTemperature ?? 30, 24)),
          },
        };
        this.climates.set(c.name, c);
        this.save(c);
        this.announce();
        return { attached: c.name, blaster, modes: ['off', ...modes], fan_modes: fans, min_temp: min, max_temp: set.maxTemperature ?? 30 };
      },
    });
    r.register({
      name: 'ir_climate_set',
      description:
        'Set an IR air conditioner: mode (off or one of its modes), fan and target temperature; the unset ones keep their last value.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 40 },
          mode: { type: 'string', minLength: 1, maxLength: 32 },
          fan: { type: 'string', minLength: 1, maxLength: 32 },
          temperature: { type: 'number', minimum: 0, maximum: 50 },
        },
      },
      risk: 'safe',
      provider: 'broadlink',
      handler: async (p) => {
        const c = this.get(String(p.name));
        const next: ClimateState = {
          mode: typeof p.mode === 'string' ? p.mode : c.state.mode,
          fan: typeof p.fan === 'string' ? p.fan : c.state.fan,
          temperature: typeof p.temperature === 'number' ? p.temperature : c.state.temperature,
        };
        const min = c.set.minTemperature ?? 16;
        const max = c.set.maxTemperature ?? 30;
        if (next.temperature < min || next.temperature > max)
          throw new InvalidError(`temperature: ${next.temperature}° is outside ${min}–${max}°`);
        if (next.mode !== 'off' && !modesOf(c.set).includes(next.mode))
          throw new InvalidError(`mode: "${next.mode}" is not one of off, ${modesOf(c.set).join(', ')}`);
        const code = climateCode(c.set, next);
        const b = this.d.blasters.get(c.blaster);
        if (!b) throw new UnavailableError(`the blaster "${c.blaster}" of ${c.name} is not configured any more`);
        await b.client.sendCode(decodeCode(code));
        c.state = next;
        this.save(c);
        this.publishState(c);
        return { name: c.name, ...next } as unknown as JsonObject;
      },
    });
  }

  private announce(): void {
    const cl = this.client;
    if (!cl?.connected) return;
    cl.subscribe([`${BASE}/+/+/set`, 'homeassistant/status'], { qos: 1 });
    for (const c of this.climates.values()) {
      const t = `${BASE}/${c.name}`;
      const config = {
        name: null,
        uniq_id: `butler_ir_climate_${c.name}`,
        default_entity_id: `climate.${c.name}`,
        dev: {
          ids: [`butler_ir_climate_${c.name}`],
          name: c.name.replace(/_/g, ' '),
          mf: c.set.manufacturer ?? 'IR',
          mdl: c.set.supportedModels?.[0] ?? 'SmartIR code set',
          via_device: 'smart_butler',
        },
        o: { name: 'Smart Butler', url: 'https://github.com/smart-butler/smart-butler' },
        avty_t: 'butler/status',
        modes: ['off', ...modesOf(c.set)],
        fan_modes: fansOf(c.set),
        min_temp: c.set.minTemperature ?? 16,
        max_temp: c.set.maxTemperature ?? 30,
        temp_step: c.set.precision ?? 1,
        temperature_unit: 'C',
        mode_cmd_t: `${t}/mode/set`,
        mode_stat_t: `${t}/state`,
        mode_stat_tpl: '{{ value_json.mode }}',
        fan_mode_cmd_t: `${t}/fan/set`,
        fan_mode_stat_t: `${t}/state`,
        fan_mode_stat_tpl: '{{ value_json.fan }}',
        temp_cmd_t: `${t}/temperature/set`,
        temp_stat_t: `${t}/state`,
        temp_stat_tpl: '{{ value_json.temperature }}',
        optimistic: false,
      };
      cl.publish(`homeassistant/climate/butler_ir_${c.name}/config`, JSON.stringify(config), { qos: 1, retain: true });
      this.publishState(c);
    }
  }

  private publishState(c: Climate): void {
    this.client?.publish(`${BASE}/${c.name}/state`, JSON.stringify(c.state), { qos: 1, retain: true });
  }

  private async onHa(topic: string, value: string): Promise<void> {
    if (topic === 'homeassistant/status') {
      if (value === 'online') this.announce();
      return;
    }
    const m = /^butler\/ir_climate\/([a-z0-9_]+)\/(mode|fan|temperature)\/set$/.exec(topic);
    if (!m || !this.d.door) return;
    const params: JsonObject = { name: m[1] };
    if (m[2] === 'temperature') {
      const n = Number(value);
      if (!Number.isFinite(n)) return this.d.log.warn({ topic, value }, 'IR climate temperature from Home Assistant is not a number');
      params.temperature = n;
    } else params[m[2]] = value;
    await this.d.door.execute({
      actions: [{ action_type: 'ir_climate_set', params }],
      origin: { source: 'ha', trusted: this.d.mqttTrusted ?? false },
      reason: `Home Assistant: ${m[1]} ${m[2]}`,
    });
  }
}
