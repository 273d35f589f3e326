// Home Assistant actions. The device_* family maps onto the services Home Assistant really accepts for each domain,
// with the entity in `target` (the original passed arguments Home Assistant rejected).
import type { HomeAssistantConnection, ServiceTarget } from '../../ha/types';
import { areaNamesByEntity } from '../../ha/areas';
import type { JsonObject, RiskTier } from '../../types';
import type { ActionDefinition, ActionRegistry } from '../registry';

const entityId = { type: 'string', pattern: '^[a-z_]+\\.[a-z0-9_]+$', description: 'Home Assistant entity id, e.g. light.kitchen_lights' };
const targetSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entity_id: { oneOf: [entityId, { type: 'array', items: entityId, minItems: 1 }] },
    device_id: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    area_id: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    floor_id: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    label_id: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  },
};

const SENSITIVE_SERVICES = new Set([
  'lock.unlock',
  'lock.open',
  'alarm_control_panel.alarm_disarm',
  'alarm_control_panel.alarm_arm_custom_bypass',
  'script.turn_on',
  'script.toggle',
  'automation.trigger',
  'automation.turn_off',
  'camera.turn_on',
  'camera.enable_motion_detection',
]);
const DANGEROUS_DOMAINS = new Set(['shell_command', 'hassio', 'python_script', 'pyscript', 'recorder', 'system_log', 'backup']);
const DANGEROUS_SERVICES = new Set([
  'homeassistant.restart',
  'homeassistant.stop',
  'homeassistant.reload_all',
  'homeassistant.reload_core_config',
]);
const GARAGE_CLASSES = new Set(['garage', 'gate', 'door']);

/** Turn on/off/toggle: the service for each domain (entities not listed cannot be switched that way). */
const SWITCH_SERVICES: Record<string, { on?: string; off?: string; toggle?: string }> = {
  light: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  switch: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  fan: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  input_boolean: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  media_player: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  climate: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  humidifier: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  siren: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  automation: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  remote: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  water_heater: { on: 'turn_on', off: 'turn_off' },
  vacuum: { on: 'start', off: 'return_to_base' },
  cover: { on: 'open_cover', off: 'close_cover', toggle: 'toggle' },
  valve: { on: 'open_valve', off: 'close_valve', toggle: 'toggle' },
  lock: { on: 'lock', off: 'unlock' },
  scene: { on: 'turn_on' },
  script: { on: 'turn_on', off: 'turn_off', toggle: 'toggle' },
  button: { on: 'press' },
};

export function domainOf(entity: string): string {
  return entity.split('.', 1)[0];
}

function serviceRisk(domain: string, service: string, entityIds: string[], ha: HomeAssistantConnection): RiskTier {
  const key = `${domain}.${service}`;
  if (DANGEROUS_DOMAINS.has(domain) || DANGEROUS_SERVICES.has(key)) return 'dangerous';
  if (SENSITIVE_SERVICES.has(key)) return 'sensitive';
  if (domain === 'cover' && (service === 'open_cover' || service === 'toggle' || service === 'set_cover_position')) {
    // Opening a garage door or a gate is sensitive; a window blind is not.
    const garage = entityIds.some(
      (e) => GARAGE_CLASSES.has(String(ha.getState(e)?.attributes.device_class ?? '')) || /garage|gate/.test(e),
    );
    if (garage) return 'sensitive';
  }
  return 'safe';
}

function entitiesOf(target: unknown): string[] {
  const t = (target ?? {}) as ServiceTarget;
  if (!t.entity_id) return [];
  return Array.isArray(t.entity_id) ? t.entity_id : [t.entity_id];
}

function requireEntity(ha: HomeAssistantConnection, id: string): void {
  if (ha.status().connected && !ha.getState(id)) throw new Error(`unknown entity ${id}: Home Assistant has no such entity`);
}

/** Flattens the service context so results stay small and stable. */
async function call(
  ha: HomeAssistantConnection,
  domain: string,
  service: string,
  data: JsonObject,
  target: ServiceTarget,
  returnResponse = false,
) {
  const res = await ha.callService(domain, service, data, target, returnResponse);
  const entities = entitiesOf(target);
  const out: JsonObject = { service: `${domain}.${service}`, context_id: res.context.id };
  if (entities.length) {
    out.states = Object.fromEntries(entities.map((e) => [e, ha.getState(e)?.state ?? null]));
  }
  if (returnResponse) out.response = (res.response ?? null) as JsonObject;
  return out;
}

export function registerHaActions(registry: ActionRegistry, ha: HomeAssistantConnection): void {
  const device = (name: string, description: string, extra: Record<string, unknown> = {}, required: string[] = []) => ({
    name,
    description,
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['device_id', ...required],
      properties: { device_id: entityId, ...extra },
    },
  });

  const switchAction = (kind: 'on' | 'off' | 'toggle'): ActionDefinition => ({
    ...device(
      `device_${kind === 'toggle' ? 'toggle' : `turn_${kind}`}`,
      `Turn a Home Assistant entity ${kind === 'toggle' ? 'on or off (toggle)' : kind}; the right service is chosen for its domain.`,
    ),
    risk: 'safe',
    riskFor: (p) => {
      const id = String(p.device_id);
      const svc = SWITCH_SERVICES[domainOf(id)]?.[kind];
      return svc ? serviceRisk(domainOf(id), svc, [id], ha) : 'safe';
    },
    handler: async (p) => {
      const id = String(p.device_id);
      const domain = domainOf(id);
      const svc = SWITCH_SERVICES[domain]?.[kind];
      if (!svc) throw new Error(`${id} cannot be turned ${kind === 'toggle' ? 'on or off' : kind}: domain "${domain}" has no such service`);
      requireEntity(ha, id);
      return call(ha, domain, svc, {}, { entity_id: id });
    },
  });

  const defs: ActionDefinition[] = [
    {
      name: 'ha_call_service',
      description:
        'Call any Home Assistant service, e.g. light.turn_on with target {entity_id}. Prefer the device_* actions for simple switching.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['domain', 'service'],
        properties: {
          domain: { type: 'string', pattern: '^[a-z0-9_]+$' },
          service: { type: 'string', pattern: '^[a-z0-9_]+$' },
          data: { type: 'object' },
          target: targetSchema,
          return_response: { type: 'boolean' },
        },
      },
      risk: 'safe',
      riskFor: (p) => serviceRisk(String(p.domain), String(p.service), entitiesOf(p.target), ha),
      handler: async (p) => {
        const target = { ...((p.target as ServiceTarget | undefined) ?? {}) };
        const data = { ...((p.data as JsonObject | undefined) ?? {}) };
        // entity_id inside data is accepted by Home Assistant, but the target is where it belongs.
        if (data.entity_id !== undefined && target.entity_id === undefined) {
          target.entity_id = data.entity_id as string | string[];
          delete data.entity_id;
        }
        return call(ha, String(p.domain), String(p.service), data, target, p.return_response === true);
      },
    },
    switchAction('on'),
    switchAction('off'),
    switchAction('toggle'),
    {
      ...device(
        'set_brightness',
        'Set a light to a brightness in percent (0 turns it off).',
        { brightness: { type: 'number', minimum: 0, maximum: 100 } },
        ['brightness'],
      ),
      risk: 'safe',
      handler: async (p) => {
        const id = String(p.device_id);
        if (domainOf(id) !== 'light') throw new Error(`${id} is not a light: set_brightness works on light.* entities`);
        requireEntity(ha, id);
        const pct = Number(p.brightness);
        return pct === 0
          ? call(ha, 'light', 'turn_off', {}, { entity_id: id })
          : call(ha, 'light', 'turn_on', { brightness_pct: pct }, { entity_id: id });
      },
    },
    {
      ...device(
        'set_temperature',
        'Set the target temperature of a climate entity.',
        { temperature: { type: 'number', minimum: -50, maximum: 100 } },
        ['temperature'],
      ),
      risk: 'safe',
      handler: async (p) => {
        const id = String(p.device_id);
        if (domainOf(id) !== 'climate' && domainOf(id) !== 'water_heater') throw new Error(`${id} is not a climate entity`);
        requireEntity(ha, id);
        return call(ha, domainOf(id), 'set_temperature', { temperature: Number(p.temperature) }, { entity_id: id });
      },
    },
    {
      ...device(
        'set_hvac_mode',
        'Set the HVAC mode of a climate entity.',
        { mode: { type: 'string', enum: ['off', 'heat', 'cool', 'heat_cool', 'auto', 'dry', 'fan_only'] } },
        ['mode'],
      ),
      risk: 'safe',
      handler: async (p) => {
        const id = String(p.device_id);
        if (domainOf(id) !== 'climate') throw new Error(`${id} is not a climate entity`);
        requireEntity(ha, id);
        return call(ha, 'climate', 'set_hvac_mode', { hvac_mode: String(p.mode) }, { entity_id: id });
      },
    },
    ...(['open', 'close'] as const).map(
      (dir): ActionDefinition => ({
        ...device(`${dir}_cover`, `${dir === 'open' ? 'Open' : 'Close'} a cover (blind, window, garage door).`),
        risk: 'safe',
        riskFor: (p) => serviceRisk('cover', `${dir}_cover`, [String(p.device_id)], ha),
        handler: async (p) => {
          const id = String(p.device_id);
          if (domainOf(id) !== 'cover') throw new Error(`${id} is not a cover`);
          requireEntity(ha, id);
          return call(ha, 'cover', `${dir}_cover`, {}, { entity_id: id });
        },
      }),
    ),
    {
      ...device(
        'set_cover_position',
        'Move a cover to a position in percent (0 closed, 100 open).',
        { position: { type: 'integer', minimum: 0, maximum: 100 } },
        ['position'],
      ),
      risk: 'safe',
      riskFor: (p) => serviceRisk('cover', 'set_cover_position', [String(p.device_id)], ha),
      handler: async (p) => {
        const id = String(p.device_id);
        if (domainOf(id) !== 'cover') throw new Error(`${id} is not a cover`);
        requireEntity(ha, id);
        return call(ha, 'cover', 'set_cover_position', { position: Number(p.position) }, { entity_id: id });
      },
    },
    {
      ...device(
        'play_media',
        'Play media on a media player.',
        { media_content_id: { type: 'string', minLength: 1 }, media_content_type: { type: 'string', default: 'music' } },
        ['media_content_id'],
      ),
      risk: 'safe',
      handler: async (p) => {
        const id = String(p.device_id);
        if (domainOf(id) !== 'media_player') throw new Error(`${id} is not a media player`);
        requireEntity(ha, id);
        return call(
          ha,
          'media_player',
          'play_media',
          { media_content_id: String(p.media_content_id), media_content_type: String(p.media_content_type) },
          { entity_id: id },
        );
      },
    },
    ...(['pause', 'stop'] as const).map(
      (what): ActionDefinition => ({
        ...device(`${what}_media`, `${what === 'pause' ? 'Pause' : 'Stop'} a media player.`),
        risk: 'safe',
        handler: async (p) => {
          const id = String(p.device_id);
          if (domainOf(id) !== 'media_player') throw new Error(`${id} is not a media player`);
          requireEntity(ha, id);
          return call(ha, 'media_player', `media_${what}`, {}, { entity_id: id });
        },
      }),
    ),
    {
      ...device('get_device_state', 'Read the current state and attributes of an entity.'),
      risk: 'safe',
      handler: async (p) => {
        const s = ha.getState(String(p.device_id));
        if (!s) throw new Error(`unknown entity ${String(p.device_id)}`);
        return { entity_id: s.entity_id, state: s.state, attributes: s.attributes, last_changed: s.last_changed };
      },
    },
    {
      name: 'list_devices',
      description: 'List Home Assistant entities, optionally of one domain or area.',
      params: { type: 'object', additionalProperties: false, properties: { domain: { type: 'string' }, area: { type: 'string' } } },
      risk: 'safe',
      handler: async (p) => {
        const reg = ha.registries();
        const areaOf = areaNamesByEntity(reg);
        // Asked by name or by id ("Living Room" or "living_room").
        const wanted = typeof p.area === 'string' ? p.area.toLowerCase() : null;
        const wantedName = wanted ? (reg.areas.find((a) => a.area_id === wanted)?.name.toLowerCase() ?? wanted) : null;
        const out = [];
        for (const s of ha.states().values()) {
          if (p.domain && domainOf(s.entity_id) !== p.domain) continue;
          const area = areaOf.get(s.entity_id) ?? null;
          if (wantedName && (area ?? '').toLowerCase() !== wantedName) continue;
          out.push({
            entity_id: s.entity_id,
            name: (s.attributes.friendly_name as string | undefined) ?? s.entity_id,
            state: s.state,
            area,
          });
        }
        return { count: out.length, devices: out };
      },
    },
    {
      name: 'sync_ha_devices',
      description: 'Report how many entities, areas and devices the butler mirrors from Home Assistant.',
      params: { type: 'object', additionalProperties: false, properties: {} },
      risk: 'safe',
      handler: async () => {
        const reg = ha.registries();
        return {
          connected: ha.status().connected,
          entities: ha.states().size,
          areas: reg.areas.length,
          floors: reg.floors.length,
          devices: reg.devices.length,
        };
      },
    },
  ];
  for (const def of defs) registry.register({ provider: 'ha', ...def });
}
