// Planner figures against the fake Messages API on loopback (run: node --import tsx bench/planner.ts).
// 1. Prompt tokens per request with and without prompt caching (the fake's usage accounting:
//    ceil(chars/4), cache prefix up to the last cache_control breakpoint, 1024-token minimum).
// 2. Latency of a plan-cache hit (no API call) against a miss (two Messages API round trips).
import { performance } from 'node:perf_hooks';
import { ActionRegistry } from '../src/actions/registry';
import type { ActionExecutor, PlanOutcome, PlanRequest } from '../src/actions/types';
import { InMemoryConversationStore } from '../src/brain/planner/conversations';
import { Planner } from '../src/brain/planner/planner';
import type { HomeContext } from '../src/brain/planner/types';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { silentLogger } from '../src/log';
import type { Origin } from '../src/types';

const deviceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['device_id'],
  properties: { device_id: { type: 'string', pattern: '^[a-z_]+\\.[a-z0-9_]+$' } },
};

function registry(): ActionRegistry {
  const r = new ActionRegistry();
  const add = (name: string, description: string, params: Record<string, unknown>) =>
    r.register({ name, description, params, risk: 'safe', handler: async () => null });
  add(
    'ha_call_service',
    'Call any Home Assistant service, e.g. light.turn_on with target {entity_id}. Prefer the device_* actions for simple switching.',
    {
      type: 'object',
      additionalProperties: false,
      required: ['domain', 'service'],
      properties: {
        domain: { type: 'string', pattern: '^[a-z0-9_]+$' },
        service: { type: 'string', pattern: '^[a-z0-9_]+$' },
        data: { type: 'object' },
        target: {
          type: 'object',
          properties: {
            entity_id: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
            area_id: { type: 'string' },
          },
        },
        return_response: { type: 'boolean' },
      },
    },
  );
  for (const [n, d] of [
    ['device_turn_on', 'Turn a Home Assistant entity on.'],
    ['device_turn_off', 'Turn a Home Assistant entity off.'],
    ['device_toggle', 'Toggle a Home Assistant entity.'],
    ['open_cover', 'Open a cover (blind, window, garage door).'],
    ['close_cover', 'Close a cover.'],
    ['get_device_state', 'Read the current state of an entity.'],
  ])
    add(n, d, deviceParams);
  add('set_brightness', 'Set a light to a brightness in percent (0 turns it off).', {
    ...deviceParams,
    required: ['device_id', 'brightness'],
    properties: { ...deviceParams.properties, brightness: { type: 'number', minimum: 0, maximum: 100 } },
  });
  add('set_temperature', 'Set the target temperature of a climate entity.', {
    ...deviceParams,
    required: ['device_id', 'temperature'],
    properties: { ...deviceParams.properties, temperature: { type: 'number', minimum: -50, maximum: 100 } },
  });
  add('set_hvac_mode', 'Set the HVAC mode of a climate entity.', {
    ...deviceParams,
    required: ['device_id', 'mode'],
    properties: {
      ...deviceParams.properties,
      mode: { type: 'string', enum: ['off', 'heat', 'cool', 'heat_cool', 'auto', 'dry', 'fan_only'] },
    },
  });
  add('notify', 'Send a notification to the household (phone push and the panel).', {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: {
      title: { type: 'string' },
      message: { type: 'string' },
      level: { type: 'string', enum: ['info', 'warning', 'critical'] },
    },
  });
  add('ptz_goto_preset', 'Move the PTZ camera to a named preset.', {
    type: 'object',
    additionalProperties: false,
    required: ['preset'],
    properties: { preset: { type: 'string' }, camera: { type: 'string' } },
  });
  add('ptz_patrol', 'Patrol the PTZ camera over presets, dwelling at each.', {
    type: 'object',
    additionalProperties: false,
    required: ['presets'],
    properties: { presets: { type: 'array', items: { type: 'string' } }, dwell_s: { type: 'number', minimum: 1 } },
  });
  add('snapshot', 'Take a camera snapshot and store it as an event.', {
    type: 'object',
    additionalProperties: false,
    properties: { camera: { type: 'string' } },
  });
  add('ir_send_command', 'Send a learned infrared command through the IR blaster.', {
    type: 'object',
    additionalProperties: false,
    required: ['device_id', 'command'],
    properties: { device_id: { type: 'string' }, command: { type: 'string' }, repeat: { type: 'integer', minimum: 1, maximum: 10 } },
  });
  add('activate_scene', 'Activate a scene by id.', {
    type: 'object',
    additionalProperties: false,
    required: ['scene_id'],
    properties: { scene_id: { type: 'string' } },
  });
  add('schedule_task', 'Run actions later, at a time or after a delay.', {
    type: 'object',
    additionalProperties: false,
    required: ['actions'],
    properties: {
      run_at: { type: 'string', format: 'date-time' },
      delay_sec: { type: 'number', minimum: 1 },
      actions: { type: 'array', items: { type: 'object' } },
    },
  });
  add('dashan_expression', 'Show an expression on the DaShan desk robot.', {
    type: 'object',
    additionalProperties: false,
    required: ['expression_id'],
    properties: { expression_id: { type: 'integer' }, brightness: { type: 'integer', minimum: 0, maximum: 100 } },
  });
  add('openclaw_message_send', 'Send a message through a messaging channel (OpenClaw gateway).', {
    type: 'object',
    additionalProperties: false,
    required: ['target', 'message'],
    properties: { target: { type: 'string' }, message: { type: 'string' }, channel: { type: 'string' } },
  });
  return r;
}

function home(): HomeContext {
  const rooms = ['Kitchen', 'Living Room', 'Hallway', 'Bedroom', 'Office', 'Bathroom', 'Garage', 'Garden'];
  const entities: HomeContext['entities'] = [];
  for (const room of rooms) {
    const id = room.toLowerCase().replace(/ /g, '_');
    entities.push({ entity_id: `light.${id}`, name: `${room} Light`, area: room, state: 'off', attributes: { brightness: null } });
    entities.push({
      entity_id: `sensor.${id}_temperature`,
      name: `${room} Temperature`,
      area: room,
      state: '21.5',
      attributes: { unit_of_measurement: '°C' },
    });
    entities.push({ entity_id: `binary_sensor.${id}_motion`, name: `${room} Motion`, area: room, state: 'off' });
    entities.push({ entity_id: `switch.${id}_socket`, name: `${room} Socket`, area: room, state: 'on' });
  }
  entities.push({ entity_id: 'lock.front_door', name: 'Front Door', area: 'Hallway', state: 'locked' });
  entities.push({
    entity_id: 'climate.living_room',
    name: 'Living Room Thermostat',
    area: 'Living Room',
    state: 'heat',
    attributes: { temperature: 21, current_temperature: 20.5 },
  });
  entities.push({ entity_id: 'cover.garage_door', name: 'Garage Door', area: 'Garage', state: 'closed' });
  return {
    areas: rooms.map((r) => ({ id: r.toLowerCase().replace(/ /g, '_'), name: r })),
    entities,
    mode: 'home',
    privacy: false,
    memories: ['Anna likes the hallway light dim at night.'],
  };
}

const executor: ActionExecutor = {
  async execute(req: PlanRequest): Promise<PlanOutcome> {
    return {
      plan_id: 'p',
      policy: 'allow',
      results: req.actions.map((a, index) => ({ plan_id: 'p', index, action_type: a.action_type, status: 'ok', output: null, ts: 0 })),
    };
  },
};

const origin: Origin = { source: 'bench', trusted: true };
const rooms = ['kitchen', 'living room', 'hallway', 'bedroom', 'office', 'bathroom', 'garage', 'garden'];
const commands = rooms.flatMap((r) => [`turn on the ${r} light`, `turn off the ${r} light`, `switch on the ${r} socket`]);

function planner(fake: FakeAnthropic, promptCaching: boolean, planCache: boolean): Planner {
  return new Planner({
    apiKey: 'bench',
    baseURL: fake.url,
    model: 'claude-sonnet-4-6',
    registry: registry(),
    executor,
    home,
    conversations: new InMemoryConversationStore(),
    log: silentLogger(),
    promptCaching,
    cache: planCache ? { max: 128, ttlMs: 60_000 } : { max: 0, ttlMs: 1 },
  });
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function tokens(promptCaching: boolean): Promise<void> {
  const fake = await startFakeAnthropic({});
  const p = planner(fake, promptCaching, false);
  for (const c of commands) await p.converse({ text: c, origin });
  const t = fake.totals;
  const n = t.messages;
  const prompt = (t.input_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens) / n;
  // Relative input price: cache writes cost 1.25x, cache reads 0.1x of normal input tokens.
  const billed = (t.input_tokens + 1.25 * t.cache_creation_input_tokens + 0.1 * t.cache_read_input_tokens) / n;
  console.log(
    `prompt caching ${promptCaching ? 'on ' : 'off'}: ${n} requests; per request: prompt ${prompt.toFixed(0)} tokens = ` +
      `uncached ${(t.input_tokens / n).toFixed(0)} + cache_creation ${(t.cache_creation_input_tokens / n).toFixed(0)} + cache_read ${(t.cache_read_input_tokens / n).toFixed(0)}; ` +
      `input-price-equivalent ${billed.toFixed(0)} tokens; output ${(t.output_tokens / n).toFixed(0)}`,
  );
  p.close();
  await fake.stop();
}

async function latency(): Promise<void> {
  const fake = await startFakeAnthropic({});
  const p = planner(fake, true, true);
  const miss: number[] = [];
  for (const c of commands) {
    const t0 = performance.now();
    await p.converse({ text: c, origin });
    miss.push(performance.now() - t0);
  }
  const hit: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    const r = await p.converse({ text: commands[i % commands.length], origin });
    hit.push(performance.now() - t0);
    if (!r.cached) throw new Error('expected a plan cache hit');
  }
  miss.sort((a, b) => a - b);
  hit.sort((a, b) => a - b);
  console.log(
    `plan cache miss (2 round trips to the fake on loopback): p50 ${pct(miss, 50).toFixed(2)} ms, p95 ${pct(miss, 95).toFixed(2)} ms (n=${miss.length})`,
  );
  console.log(
    `plan cache hit (no API call, executor included):          p50 ${pct(hit, 50).toFixed(3)} ms, p95 ${pct(hit, 95).toFixed(3)} ms (n=${hit.length})`,
  );
  console.log(`planner stats: ${JSON.stringify(p.stats())}`);
  p.close();
  await fake.stop();
}

async function main(): Promise<void> {
  await tokens(true);
  await tokens(false);
  await latency();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
