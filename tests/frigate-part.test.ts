// Frigate through a real broker (Mosquitto) and the simulated NVR: 0.14 and 0.16 object events become frigate.object,
// reviews frigate.review with `change`, availability drives health, the raw-JPEG snapshot topics are stored (never
// JSON-parsed), bad payloads on JSON topics are dropped and counted; the HTTP client logs in with a JWT and fetches
// events, event snapshots and latest frames into the snapshot store.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startSimFrigate, type SimFrigate } from '../src/demo/frigate/server';
import { FrigateClient } from '../src/drivers/frigate/client';
import { FrigatePart } from '../src/drivers/frigate/part';
import { SnapshotStore } from '../src/snapshots/store';
import { silentLogger } from '../src/log';
import type { ButlerEvent } from '../src/types';
import { buildCore, type Core } from './helpers/core';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

let broker: TestBroker;
let sim: SimFrigate;
let client: MqttClient;
let core: Core;
let part: FrigatePart;
let store: SnapshotStore;
const events: ButlerEvent[] = [];

before(async () => {
  broker = await startMosquitto();
  sim = await startSimFrigate({ mqttUrl: broker.url, user: { name: 'viewer', password: 'frig-pass' } });
  client = mqtt.connect(broker.url);
  await new Promise((r) => client.once('connect', r));
  core = buildCore({ actionTimeoutMs: 5000 });
  core.bus.on('event', (e) => events.push(e));
  store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'butler-frig-')) });
  part = new FrigatePart({ url: sim.url, username: 'viewer', password: 'frig-pass', topicPrefix: 'frigate', snapshotEveryMs: 0 });
  await part.start({ mqtt: client, ingest: core.ingest, registry: core.registry, snapshots: store, log: silentLogger() });
});

after(async () => {
  await part.stop();
  await client.endAsync();
  await sim.stop();
  await broker.stop();
});

const find = (type: string, pred: (e: ButlerEvent) => boolean) => until(type, () => events.find((e) => e.type === type && pred(e)));

describe('MQTT', () => {
  test('frigate/available drives health', async () => {
    assert.equal(part.health().ok, false);
    await sim.available('online');
    await until('online', () => part.health().ok);
    await sim.available('stopped');
    await until('stopped', () => /Frigate says it is stopped/.test(part.health().detail));
    await sim.available('online');
    await until('online again', () => part.health().ok);
  });

  test('0.14 and 0.16 object events become frigate.object from source frigate', async () => {
    const old = sim.object({ camera: 'front_door', label: 'person', zones: ['porch'], version: '0.14' });
    const e14 = await find('frigate.object', (e) => e.payload.id === old);
    assert.equal(e14.source, 'frigate');
    assert.deepEqual(
      { type: e14.payload.type, camera: e14.payload.camera, label: e14.payload.label, zones: e14.payload.current_zones },
      { type: 'new', camera: 'front_door', label: 'person', zones: ['porch'] },
    );
    assert.equal(e14.payload.active, undefined, '0.14 has no active flag');
    const neu = sim.object({ camera: 'driveway', label: 'car', version: '0.16' });
    const e16 = await find('frigate.object', (e) => e.payload.id === neu);
    assert.equal(e16.payload.active, true);
    assert.equal(e16.payload.speed, 0);
    sim.object({ camera: 'driveway', label: 'car', id: neu, type: 'end' });
    const end = await find('frigate.object', (e) => e.payload.id === neu && e.payload.type === 'end');
    assert.equal(typeof end.payload.end_time, 'number');
  });

  test('0.14 sub_label as [name, score] is read as the name', async () => {
    const after = { id: 'sub-1', camera: 'front_door', label: 'person', sub_label: ['Alice', 0.92], current_zones: [] };
    await sim.raw('events', JSON.stringify({ type: 'update', before: after, after }));
    const e = await find('frigate.object', (x) => x.payload.id === 'sub-1');
    assert.equal(e.payload.sub_label, 'Alice');
  });

  test('reviews become frigate.review: the after object plus change', async () => {
    const id = sim.review({ camera: 'front_door', severity: 'alert', objects: ['person'], zones: ['porch'] });
    const e = await find('frigate.review', (x) => x.payload.id === id);
    assert.equal(e.payload.change, 'new');
    assert.equal(e.payload.severity, 'alert');
    assert.deepEqual((e.payload.data as { objects: string[] }).objects, ['person']);
  });

  test('binary, non-object and malformed payloads on JSON topics are dropped and counted; the next good one still arrives', async () => {
    const before = part.counters.rejected;
    await sim.raw('events', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2]));
    await sim.raw('events', '[1,2,3]');
    await sim.raw('events', JSON.stringify({ type: 'new', after: { id: 5 } }));
    await sim.raw('reviews', '{"type":"bogus","after":{}}');
    const ok = sim.object({ camera: 'front_door', label: 'dog' });
    await find('frigate.object', (e) => e.payload.id === ok);
    assert.equal(part.counters.rejected - before, 4);
  });

  test('snapshot topics carry raw JPEG: stored as pictures, never parsed as JSON', async () => {
    const before = part.counters.rejected;
    const count = store.count();
    await sim.snapshot('front_door', 'person');
    await until('stored', () => store.count() > count);
    const latest = store.latest('front_door');
    assert.equal(latest?.source, 'frigate');
    assert.equal(latest?.width, 1280);
    assert.equal(part.counters.rejected, before);
  });
});

describe('HTTP', () => {
  test('the client logs in (JWT cookie used as Bearer) and reads version, config and events', async () => {
    const c = new FrigateClient(sim.url, { username: 'viewer', password: 'frig-pass' });
    assert.match(await c.version(), /^0\.16/);
    assert.equal((await c.config()).mqtt?.topic_prefix, 'frigate');
    const list = await c.events({ cameras: ['front_door'], labels: ['person'] });
    assert.ok(list.length >= 1);
    assert.equal(list[0].camera, 'front_door');
    assert.equal(list[0].score, 0.84);
  });

  test('a wrong password and an unreachable Frigate say so', async () => {
    await assert.rejects(
      new FrigateClient(sim.url, { username: 'viewer', password: 'nope' }).version(),
      /refused the username or password/,
    );
    await assert.rejects(new FrigateClient('http://127.0.0.1:1').version(), /Frigate unreachable/);
    await assert.rejects(new FrigateClient(sim.url).version(), /HTTP 401/);
  });

  test('frigate_snapshot keeps an event snapshot or a latest frame; unknown ones are refused with why', async () => {
    const id = sim.object({ camera: 'driveway', label: 'car' });
    const run = async (params: Record<string, unknown>) =>
      (
        await core.door.execute({
          actions: [{ action_type: 'frigate_snapshot', params: params as never }],
          origin: { source: 'api', trusted: true },
        })
      ).results[0] as { status: string; output: Record<string, unknown> };
    const r = await run({ event_id: id });
    assert.equal(r.status, 'ok', JSON.stringify(r.output));
    assert.match(String(r.output.snapshot_id), /^snap_/);
    const latest = await run({ camera: 'front_door' });
    assert.equal(latest.status, 'ok');
    const missing = await run({ event_id: 'nope-1' });
    assert.match(String(missing.output.error), /no snapshot for event nope-1/);
    const bad = await run({ event_id: '../../etc' });
    assert.notEqual(bad.status, 'ok');
    core.modes.setPrivacy(true);
    try {
      assert.equal((await run({ camera: 'front_door' })).status, 'denied');
    } finally {
      core.modes.setPrivacy(false);
    }
  });
});
