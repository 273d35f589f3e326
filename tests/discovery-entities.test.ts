// MQTT discovery against a real Mosquitto: the config Home Assistant reads, availability, re-publish on its birth
// message, scene buttons coming and going, and every command entity driving the butler through the one door.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { HaConnection } from '../src/ha/connection';
import { MqttDiscovery, BUTLER_EVENT_TYPES, type SceneProvider } from '../src/ha/discovery';
import { MqttBridge, TOPICS } from '../src/bus/mqtt';
import { silentLogger } from '../src/log';
import type { Origin } from '../src/types';
import { buildCore, type Core } from './helpers/core';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

const token = 'discovery-test-token';
const DEVICE_TOPIC = 'homeassistant/device/smart_butler/config';

// Keys Home Assistant understands in a device-based discovery payload (abbreviations and full names we use),
// from core components/mqtt/abbreviations.py and the per-platform schemas.
const COMPONENT_KEYS = new Set([
  'p',
  'name',
  'uniq_id',
  'default_entity_id',
  'cmd_t',
  'stat_t',
  'pl_on',
  'pl_off',
  'ic',
  'ops',
  'max',
  'min',
  'mode',
  'val_tpl',
  'json_attr_t',
  'stat_cla',
  'event_types',
  't',
  'dev_cla',
  'ent_cat',
  'pl_prs',
]);
const ROOT_KEYS = new Set(['dev', 'o', 'cmps', 'avty_t', 'pl_avail', 'pl_not_avail', 'qos']);
const DEVICE_KEYS = new Set(['ids', 'name', 'mf', 'mdl', 'sw', 'cu', 'sn']);
const REQUIRED: Record<string, string[]> = {
  switch: ['cmd_t'],
  select: ['cmd_t', 'ops'],
  text: ['cmd_t'],
  sensor: ['stat_t'],
  binary_sensor: ['stat_t'],
  button: ['cmd_t'],
  event: ['stat_t', 'event_types'],
  notify: ['cmd_t'],
  camera: ['t'],
};

interface Msg {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

class Scenes implements SceneProvider {
  items = [
    { id: 'movie_night', name: 'Movie night' },
    { id: 'good morning', name: 'Good morning' },
  ];
  private listeners = new Set<() => void>();
  list() {
    return this.items;
  }
  onChange(fn: () => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  remove(id: string) {
    this.items = this.items.filter((s) => s.id !== id);
    for (const fn of this.listeners) fn();
  }
  add(id: string, name: string) {
    this.items = [...this.items, { id, name }];
    for (const fn of this.listeners) fn();
  }
}

let home: DemoHome;
let ha: HaConnection;
let core: Core;
let broker: TestBroker;
let bridge: MqttBridge;
let discovery: MqttDiscovery;
let observer: MqttClient;
const scenes = new Scenes();
const messages: Msg[] = [];
const conversations: { text: string; origin: Origin }[] = [];
const activated: string[] = [];
const options = { mqtt_trusted: false };

function last(topic: string): Msg | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].topic === topic) return messages[i];
  return undefined;
}
function count(topic: string): number {
  return messages.filter((m) => m.topic === topic).length;
}
function lastJson<T = Record<string, unknown>>(topic: string): T | undefined {
  const m = last(topic);
  return m?.payload.length ? (JSON.parse(m.payload.toString()) as T) : undefined;
}
function config(): { cmps: Record<string, Record<string, unknown>> } & Record<string, unknown> {
  const c = lastJson<{ cmps: Record<string, Record<string, unknown>> } & Record<string, unknown>>(DEVICE_TOPIC);
  assert.ok(c, 'no device config seen');
  return c;
}
async function send(topic: string, payload: string | Buffer): Promise<void> {
  await observer.publishAsync(topic, payload, { qos: 1 });
}
/** Waits for the next butler/out/error about `topic` and returns its reason. */
async function rejection(topic: string, after: number): Promise<string> {
  const m = await until(`a rejection on butler/out/error for ${topic}`, () =>
    messages
      .slice(after)
      .find((x) => x.topic === TOPICS.outError && (JSON.parse(x.payload.toString()) as { topic?: string }).topic === topic),
  );
  const body = JSON.parse(m.payload.toString()) as { reason: string; source: string };
  assert.equal(body.source, 'ha');
  return body.reason;
}

before(async () => {
  home = await startDemoHome({ port: 0, token });
  ha = new HaConnection({ url: home.url, token, log: silentLogger() });
  await ha.start();
  core = buildCore({ ha });
  core.registry.register({
    provider: 'test',
    name: 'activate_scene',
    description: 'Activate a scene.',
    params: {
      type: 'object',
      required: ['scene_id'],
      additionalProperties: false,
      properties: { scene_id: { type: 'string', minLength: 1 } },
    },
    risk: 'safe',
    handler: async (p) => {
      activated.push(String(p.scene_id));
      return { scene_id: p.scene_id };
    },
  });
  broker = await startMosquitto();
  observer = await mqtt.connectAsync(broker.url, { clientId: `observer-${process.pid}`, clean: true });
  observer.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain }));
  await observer.subscribeAsync(['homeassistant/#', 'butler/#'], { qos: 1 });
  bridge = await MqttBridge.connect({ url: broker.url, log: silentLogger(), clientId: `butler-discovery-test-${process.pid}` }, core.bus);
  discovery = new MqttDiscovery({
    host: {
      bus: core.bus,
      mqtt: bridge,
      modes: core.modes,
      door: core.door,
      confirmations: core.confirmations,
      options,
      health: () => ({
        components: { db: { ok: true, detail: 'x' }, ha: { ok: true, detail: 'connected' }, mqtt: { ok: true, detail: 'connected' } },
      }),
      log: silentLogger(),
    },
    version: '0.1.0',
    converse: async (text, origin) => {
      conversations.push({ text, origin });
      return { reply: `You said: ${text}. ${'Long answer. '.repeat(40)}` };
    },
    scenes,
  });
  discovery.start();
  await until('the device config', () => last(DEVICE_TOPIC));
});

after(async () => {
  discovery.stop();
  await bridge.close();
  await observer.endAsync();
  await broker.stop();
  await ha.stop();
  await home.stop();
  core.close();
});

describe('discovery config', () => {
  test('one retained device config that Home Assistant can read', async () => {
    // A client that connects later gets it as a retained message.
    const late = await mqtt.connectAsync(broker.url, { clientId: `late-${process.pid}` });
    const got = new Promise<{ payload: Buffer; retain: boolean }>((resolve) =>
      late.on('message', (_t, payload, p) => resolve({ payload, retain: p.retain })),
    );
    await late.subscribeAsync(DEVICE_TOPIC);
    const { payload, retain } = await got;
    await late.endAsync();
    assert.equal(retain, true);
    const c = JSON.parse(payload.toString()) as Record<string, unknown> & {
      cmps: Record<string, Record<string, unknown>>;
      dev: Record<string, unknown>;
      o: Record<string, unknown>;
    };

    for (const k of Object.keys(c)) assert.ok(ROOT_KEYS.has(k), `unexpected root key ${k}`);
    for (const k of Object.keys(c.dev)) assert.ok(DEVICE_KEYS.has(k), `unexpected device key ${k}`);
    assert.deepEqual(c.dev.ids, ['smart_butler']);
    assert.equal(c.o.name, 'Smart Butler');
    assert.equal(c.o.sw, '0.1.0');
    assert.match(String(c.o.url), /^https?:\/\//);
    assert.equal(c.avty_t, 'butler/status');

    const uniq = new Set<string>();
    const entityIds = new Set<string>();
    for (const [id, comp] of Object.entries(c.cmps)) {
      assert.match(id, /^[a-zA-Z0-9_-]+$/, `component id ${id}`);
      const p = String(comp.p);
      assert.ok(REQUIRED[p], `platform ${p} of ${id} is one we announce`);
      for (const k of Object.keys(comp)) assert.ok(COMPONENT_KEYS.has(k), `${id}: key ${k} is not a key Home Assistant knows`);
      assert.ok(!('object_id' in comp) && !('obj_id' in comp), `${id} uses object_id`);
      for (const r of REQUIRED[p]) assert.ok(comp[r] !== undefined, `${id} (${p}) lacks ${r}`);
      assert.equal(typeof comp.uniq_id, 'string');
      assert.ok(!uniq.has(String(comp.uniq_id)), `duplicate unique id ${comp.uniq_id}`);
      uniq.add(String(comp.uniq_id));
      assert.match(String(comp.default_entity_id), new RegExp(`^${p}\\.[a-z0-9_]+$`));
      assert.ok(!entityIds.has(String(comp.default_entity_id)));
      entityIds.add(String(comp.default_entity_id));
      for (const [k, v] of Object.entries(comp))
        if (k.endsWith('_t') || k === 't') assert.doesNotMatch(String(v), /[#+]/, `${id}.${k} is a wildcard`);
    }
    const byPlatform = (p: string) =>
      Object.entries(c.cmps)
        .filter(([, x]) => x.p === p)
        .map(([id]) => id)
        .sort();
    assert.deepEqual(byPlatform('switch'), ['privacy']);
    assert.deepEqual(byPlatform('select'), ['mode']);
    assert.deepEqual(c.cmps.mode.ops, ['home', 'away', 'night']);
    assert.deepEqual(byPlatform('text'), ['say']);
    assert.deepEqual(byPlatform('sensor'), ['last_event', 'last_plan', 'pending', 'reply']);
    assert.deepEqual(byPlatform('event'), ['events']);
    assert.deepEqual(c.cmps.events.event_types, [...BUTLER_EVENT_TYPES]);
    assert.deepEqual(byPlatform('notify'), ['notify']);
    assert.deepEqual(byPlatform('camera'), ['camera']);
    assert.deepEqual(byPlatform('button'), ['scene_good_morning', 'scene_movie_night']);
    assert.equal(c.cmps.scene_movie_night.pl_prs, 'PRESS');
    assert.equal(c.cmps.scene_movie_night.name, 'Movie night');
    assert.deepEqual(byPlatform('binary_sensor'), ['backend_ha', 'backend_llm', 'backend_mqtt']);
    for (const b of byPlatform('binary_sensor')) {
      assert.equal(c.cmps[b].dev_cla, 'connectivity');
      assert.equal(c.cmps[b].ent_cat, 'diagnostic');
    }
  });

  test('availability follows butler/status; states are retained', async () => {
    await until('butler/status online', () => last('butler/status')?.payload.toString() === 'online');
    await until('privacy state', () => last('butler/ha/privacy/state'));
    assert.equal(last('butler/ha/privacy/state')!.payload.toString(), 'OFF');
    assert.equal(last('butler/ha/mode/state')!.payload.toString(), 'home');
    assert.equal(last('butler/ha/pending/state')!.payload.toString(), '0');
    assert.equal(last('butler/ha/backend_ha/state')!.payload.toString(), 'ON');
  });

  test("everything is published again when Home Assistant's birth message says online", async () => {
    const before = count(DEVICE_TOPIC);
    const privacyBefore = count('butler/ha/privacy/state');
    await observer.publishAsync('homeassistant/status', 'online', { qos: 1, retain: false });
    await until('a re-published config', () => count(DEVICE_TOPIC) > before);
    await until('re-published states', () => count('butler/ha/privacy/state') > privacyBefore);
    // A birth message that says offline is no reason to publish.
    const now = count(DEVICE_TOPIC);
    await observer.publishAsync('homeassistant/status', 'offline', { qos: 1 });
    await observer.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await until('exactly one more config', () => count(DEVICE_TOPIC) === now + 1);
  });

  test("a deleted scene's button is removed with a {p}-only component; a new one appears", async () => {
    const before = count(DEVICE_TOPIC);
    scenes.remove('movie_night');
    await until(
      'config without the movie button',
      () =>
        count(DEVICE_TOPIC) > before &&
        config().cmps.scene_movie_night?.p === 'button' &&
        Object.keys(config().cmps.scene_movie_night).length === 1,
    );
    assert.deepEqual(config().cmps.scene_movie_night, { p: 'button' });
    assert.equal(config().cmps.scene_good_morning.p, 'button');
    assert.ok(config().cmps.scene_good_morning.cmd_t);

    const mark = messages.length;
    await send('butler/ha/scene/movie_night/press', 'PRESS');
    assert.match(await rejection('butler/ha/scene/movie_night/press', mark), /no such scene/);

    scenes.add('movie_night', 'Movie night');
    await until('the button back', () => Boolean(config().cmps.scene_movie_night?.cmd_t));
  });
});

describe('commands from Home Assistant go through the door', () => {
  test('privacy switch ON runs; OFF from Home Assistant is sensitive and waits for a confirmation', async () => {
    await send('butler/ha/privacy/set', 'ON');
    await until('privacy on', () => core.modes.privacy);
    await until('state ON', () => last('butler/ha/privacy/state')?.payload.toString() === 'ON');

    const mark = messages.length;
    await send('butler/ha/privacy/set', 'OFF');
    await until('a pending confirmation', () => core.confirmations.countPending() === 1);
    assert.equal(core.modes.privacy, true, 'untrusted Home Assistant must not turn privacy off directly');
    await until('pending sensor 1', () => last('butler/ha/pending/state')?.payload.toString() === '1');
    // The switch is told again what is true, so Home Assistant does not keep showing OFF.
    await until('privacy state re-published ON', () =>
      messages.slice(mark).some((m) => m.topic === 'butler/ha/privacy/state' && m.payload.toString() === 'ON'),
    );
    const ev = await until('confirmation_requested event', () =>
      messages
        .slice(mark)
        .find((m) => m.topic === 'butler/ha/events/state' && JSON.parse(m.payload.toString()).event_type === 'confirmation_requested'),
    );
    assert.equal(ev.retain, false);
    assert.equal(JSON.parse(ev.payload.toString()).action_type, 'set_privacy');
    type Plan = { source: string; trusted: boolean; policy: string; actions: { params: { enabled?: boolean } }[] };
    const plan = await until('the OFF plan on butler/out/plan', () =>
      messages
        .filter((x) => x.topic === TOPICS.outPlan)
        .map((x) => JSON.parse(x.payload.toString()) as Plan)
        .find((p) => p.actions[0]?.params.enabled === false),
    );
    assert.equal(plan.source, 'ha');
    assert.equal(plan.trusted, false);
    assert.equal(plan.policy, 'confirm');
    await until('last plan sensor', () => lastJson<{ policy: string }>('butler/ha/last_plan/state')?.policy === 'confirm');
  });

  test('with mqtt_trusted, privacy OFF runs directly', async () => {
    options.mqtt_trusted = true;
    try {
      await send('butler/ha/privacy/set', 'OFF');
      await until('privacy off', () => !core.modes.privacy);
      await until('state OFF', () => last('butler/ha/privacy/state')?.payload.toString() === 'OFF');
    } finally {
      options.mqtt_trusted = false;
    }
  });

  test('home mode select', async () => {
    await send('butler/ha/mode/set', 'away');
    await until('mode away', () => core.modes.mode === 'away');
    await until('state away', () => last('butler/ha/mode/state')?.payload.toString() === 'away');
    const mark = messages.length;
    await send('butler/ha/mode/set', 'holiday');
    assert.match(await rejection('butler/ha/mode/set', mark), /mode: expected one of home, away, night, got "holiday"/);
    assert.equal(core.modes.mode, 'away');
    await send('butler/ha/mode/set', 'home');
    await until('mode home', () => core.modes.mode === 'home');
  });

  test('"say to butler" text reaches the conversation with an untrusted ha origin; the reply sensor keeps 255 characters', async () => {
    await send('butler/ha/say/set', 'turn on the kitchen light');
    const reply = await until('reply sensor', () => lastJson<{ state: string; reply: string; asked: string }>('butler/ha/reply/state'));
    assert.deepEqual(conversations.at(-1), { text: 'turn on the kitchen light', origin: { source: 'ha', trusted: false } });
    assert.equal(reply.asked, 'turn on the kitchen light');
    assert.ok(reply.state.length <= 255);
    assert.ok(reply.reply.length > 255, 'the full reply is kept as an attribute');
    assert.ok(reply.state.startsWith('You said: turn on the kitchen light.'));
  });

  test('scene button presses activate_scene with the scene id', async () => {
    await send('butler/ha/scene/good_morning/press', 'PRESS');
    await until('scene activated', () => activated.includes('good morning'));
    // The plan reaches butler/out/action_plan over the broker, possibly after the scene ran: wait for it.
    const plan = await until('the activate_scene plan on butler/out/action_plan', () => {
      const p = JSON.parse(last(TOPICS.outPlan)?.payload.toString() ?? 'null') as {
        actions: { action_type: string }[];
        source: string;
      } | null;
      return p?.actions[0]?.action_type === 'activate_scene' ? p : undefined;
    });
    assert.equal(plan.actions[0].action_type, 'activate_scene');
    assert.equal(plan.source, 'ha');
  });

  test('notify sends the message through the notify action', async () => {
    const before = home.serviceCalls.length;
    await send('butler/ha/notify/set', 'The laundry is done');
    const call = await until('a notification service call', () =>
      home.serviceCalls.slice(before).find((c) => JSON.stringify(c).includes('The laundry is done')),
    );
    assert.match(JSON.stringify(call), /persistent_notification/);
    const ev = await until('notification event', () =>
      messages.find((m) => m.topic === 'butler/ha/events/state' && JSON.parse(m.payload.toString()).event_type === 'notification'),
    );
    assert.equal(JSON.parse(ev.payload.toString()).message, 'The laundry is done');
  });

  test('garbage command payloads are rejected with a reason and the butler keeps serving', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['butler/ha/privacy/set', 'maybe', /privacy: expected ON or OFF, got "maybe"/],
      ['butler/ha/privacy/set', '', /privacy: expected ON or OFF, got an empty payload/],
      ['butler/ha/privacy/set', Buffer.from([0xff, 0xfe, 0x00, 0x01]), /privacy: expected ON or OFF/],
      ['butler/ha/mode/set', 'x'.repeat(5000), /larger than the 4096 bytes/],
      ['butler/ha/say/set', '   ', /say: empty text/],
      ['butler/ha/say/set', 'hi\u0000there', /control characters/],
      ['butler/ha/notify/set', '', /notify: empty message/],
      ['butler/ha/reply/set', 'ON', /no such command entity/],
      ['butler/ha/scene/good_morning/press', 'push', /expected PRESS, got "push"/],
      ['butler/ha/scene/nope/press', 'PRESS', /no such scene/],
    ];
    for (const [topic, payload, reason] of cases) {
      const mark = messages.length;
      await send(topic, payload);
      assert.match(await rejection(topic, mark), reason, `${topic} ${String(payload).slice(0, 20)}`);
    }
    assert.ok(discovery.stats().rejected >= cases.length + 2);
    // Still serving.
    await send('butler/ha/mode/set', 'night');
    await until('mode night', () => core.modes.mode === 'night');
    await send('butler/ha/mode/set', 'home');
    await until('mode home', () => core.modes.mode === 'home');
  });
});

describe('states and events from the butler', () => {
  test('a new backend gets its own connectivity sensor', async () => {
    core.bus.emit('backend', { name: 'onvif', ok: false, detail: 'camera unreachable' });
    await until('backend_onvif in config', () => config().cmps.backend_onvif);
    assert.equal(config().cmps.backend_onvif.dev_cla, 'connectivity');
    await until('backend_onvif OFF', () => last('butler/ha/backend_onvif/state')?.payload.toString() === 'OFF');
    assert.deepEqual(lastJson('butler/ha/backend_onvif/attributes'), { detail: 'camera unreachable' });
    core.bus.emit('backend', { name: 'onvif', ok: true, detail: 'ok' });
    await until('backend_onvif ON', () => last('butler/ha/backend_onvif/state')?.payload.toString() === 'ON');
  });

  test('last event sensor and the event entity', async () => {
    core.ingest.emit('person_detected', 'frigate', { zone: 'entry', person: 'Ann' }, 1);
    const s = await until('last event', () => {
      const v = lastJson<{ state: string; type: string }>('butler/ha/last_event/state');
      return v?.type === 'person_detected' ? v : undefined;
    });
    assert.equal(s.state, 'person_detected (frigate)');
    await until('arrival event', () =>
      messages.some((m) => m.topic === 'butler/ha/events/state' && JSON.parse(m.payload.toString()).event_type === 'arrival'),
    );
    for (const m of messages.filter((x) => x.topic === 'butler/ha/events/state')) {
      assert.ok(
        (BUTLER_EVENT_TYPES as readonly string[]).includes(JSON.parse(m.payload.toString()).event_type),
        'every event type is announced',
      );
    }
  });

  test('a burst of events updates the last event sensor about once a second, ending on the newest', async () => {
    const before = count('butler/ha/last_event/state');
    const t0 = Date.now();
    let newest = '';
    for (let i = 0; i < 200; i++) newest = core.ingest.emit('burst', 'test', { i }).event_id;
    await until('the newest of the burst', () => lastJson<{ event_id: string }>('butler/ha/last_event/state')?.event_id === newest);
    const published = count('butler/ha/last_event/state') - before;
    const seconds = Math.ceil((Date.now() - t0) / 1000);
    assert.ok(published >= 1 && published <= 1 + seconds, `${published} publishes for 200 events in ${seconds} s`);
  });

  test('camera snapshot bytes on the camera topic', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
    discovery.publishSnapshot(bytes);
    const m = await until('camera image', () => last('butler/ha/camera/state'));
    assert.deepEqual(m.payload, bytes);
    assert.equal(config().cmps.camera.t, 'butler/ha/camera/state');
  });

  test('stop removes listeners; remove() deletes the device', async () => {
    discovery.stop();
    assert.equal(core.bus.listenerCount('mode'), 0);
    discovery.start();
    assert.ok(core.bus.listenerCount('mode') > 0);
    const d2 = new MqttDiscovery({
      host: {
        bus: core.bus,
        mqtt: bridge,
        modes: core.modes,
        door: core.door,
        confirmations: core.confirmations,
        options,
        health: () => ({ components: {} }),
        log: silentLogger(),
      },
      version: '0',
      converse: async () => ({ reply: '' }),
      nodeId: 'other_butler',
      baseTopic: 'butler/ha_other',
    });
    d2.start();
    await until('other device config', () => last('homeassistant/device/other_butler/config')?.payload.length);
    d2.stop();
    await d2.remove();
    await until('empty retained config', () => last('homeassistant/device/other_butler/config')?.payload.length === 0);
  });
});
