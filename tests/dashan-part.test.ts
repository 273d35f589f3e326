// The DaShan part against a simulated robot through a real broker: commands in the original's shape through the
// door, merged partial status, offline after silence, logs, image frames dropped without a snapshot store, garbage on
// status, clamped servos, and the robot as a Home Assistant device whose commands come back through the door.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import type { SimulatedRobot } from '../src/demo/dashan/robot';
import type { DashanPart } from '../src/drivers/dashan/part';
import { EXPRESSIONS, mergeStatus } from '../src/drivers/dashan/protocol';
import type { JsonObject, Origin } from '../src/types';
import type { Core } from './helpers/core';
import { type DashanRig, startDashan, startRobot } from './helpers/dashan';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };

describe('dashan status merging', () => {
  test('partial updates merge; wrong-shaped fields are named and never overwrite', () => {
    const a = mergeStatus({}, { state: 'wake', battery: 80, servo: { horizontal: 10, vertical: 20 } });
    assert.deepEqual(a.rejected, []);
    const b = mergeStatus(a.status, { servo: { vertical: 30 }, battery: 'full', expression: 2 });
    assert.deepEqual(b.rejected, ['battery']);
    assert.deepEqual(b.status, { state: 'WAKE', battery: 80, servo: { horizontal: 10, vertical: 30 }, expression: 2 });
    assert.throws(() => mergeStatus({}, [1, 2]), /expected a JSON object/);
    assert.throws(() => mergeStatus({}, 'hello'), /expected a JSON object/);
  });
});

describe('dashan part with a simulated robot', () => {
  let broker: TestBroker;
  let rig: DashanRig;
  let core: Core;
  let robot: SimulatedRobot;
  let part: DashanPart;
  let spy: MqttClient;
  const seen = new Map<string, string>();

  async function run(action_type: string, params: JsonObject) {
    const out = await core.door.execute({ actions: [{ action_type, params }], origin: admin, reason: 'test' });
    return out.results[0];
  }

  before(async () => {
    broker = await startMosquitto();
    spy = await mqtt.connectAsync(broker.url);
    await spy.subscribeAsync(['homeassistant/device/dashan_robot/config', 'butler/dashan/#', 'daShan/#']);
    spy.on('message', (t, p) => seen.set(t, p.toString()));
    rig = await startDashan(broker, { prefix: 'daShan', offlineAfterMs: 600, mqttTrusted: true });
    core = rig.core;
    part = rig.part;
  });

  after(async () => {
    await robot?.stop();
    await spy.endAsync();
    await rig.stop();
    await broker.stop();
  });

  test('before any status the robot is offline and commands are refused with the reason', async () => {
    assert.equal(part.health().ok, false);
    assert.match(part.health().detail, /no status received on daShan\/status yet/);
    const r = await run('dashan_speak', { text: 'hello' });
    assert.equal(r.status, 'error');
    assert.match(JSON.stringify(r.output), /offline: no status received/);
  });

  test('status arrives: online; an expression by name reaches the robot as its id; the status merges', async () => {
    robot = await startRobot(rig);
    const r = await run('dashan_expression', { expression: 'think' });
    assert.equal(r.status, 'ok', JSON.stringify(r.output));
    await until('the robot got it', () => robot.received.find((c) => c.command === 'set_expression') ?? null);
    assert.deepEqual(robot.received.at(-1), { command: 'set_expression', params: { expression_id: EXPRESSIONS.think, brightness: 80 } });
    await until('the merged status', () => (part.status.expression === EXPRESSIONS.think ? true : null));
    assert.equal(part.status.battery, 87);
    assert.match(part.health().detail, /online \(WAKE, think, battery 87 %\)/);
  });

  test('servo angles out of range are clamped to 0–180; non-numbers refused by the schema', async () => {
    const r = await run('dashan_servo', { horizontal: 250, vertical: -40 });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.output, { horizontal: 180, vertical: 0, clamped: true });
    await until('the robot got the clamped angles', () => robot.received.find((c) => c.command === 'set_servo') ?? null);
    assert.deepEqual(robot.received.filter((c) => c.command === 'set_servo').at(-1)?.params, { servo_h: 180, servo_v: 0 });
    const bad = await run('dashan_servo', { horizontal: 'left', vertical: 10 });
    assert.equal(bad.status, 'error');
    assert.match(JSON.stringify(bad.output), /horizontal/);
    const unknown = await run('dashan_expression', { expression: 'grumpy' });
    assert.equal(unknown.status, 'error');
    assert.match(JSON.stringify(unknown.output), /happy/); // the allowed names are listed
  });

  test('animation, speech and state go out in the original command shape', async () => {
    const before = robot.received.length;
    assert.equal((await run('dashan_animation', { animation: 'nod' })).status, 'ok');
    assert.equal((await run('dashan_speak', { text: 'Good morning' })).status, 'ok');
    assert.equal((await run('dashan_state', { state: 'LISTEN' })).status, 'ok');
    await until('three commands', () => robot.received.length >= before + 3 || null);
    assert.deepEqual(
      robot.received.slice(before).map((c) => c.command),
      ['play_animation', 'speak', 'set_state'],
    );
    const raw = JSON.parse(seen.get('daShan/command') ?? '{}');
    assert.deepEqual(Object.keys(raw).sort(), ['command', 'params', 'priority', 'timestamp']);
  });

  test('garbage on daShan/status and images are counted, never crash, never overwrite good values', async () => {
    const garbage = part.counters.garbage;
    const state = part.status.state;
    spy.publish('daShan/status', 'not json');
    spy.publish('daShan/status', JSON.stringify({ battery: 'lots' }));
    spy.publish('daShan/image', JSON.stringify({ timestamp: 1, image: Buffer.alloc(100).toString('base64'), face_detected: false }));
    spy.publish('daShan/image', Buffer.from([0xff, 0xd8, 0x00]));
    spy.publish('daShan/status', JSON.stringify([1, 2, 3]));
    spy.publish('daShan/status', JSON.stringify({ battery: 5, pad: 'x'.repeat(70 * 1024) })); // over 64 KB: not read
    spy.publish('daShan/status', JSON.stringify({ servo: { horizontal: 'left' }, state: 42, battery: 250 }));
    await until('handled', () => (part.counters.garbage >= garbage + 5 && part.counters.images_dropped >= 2) || null);
    assert.equal(part.status.battery, 87);
    assert.equal(part.status.state, state);
    assert.equal(part.online, true);
  });

  test('servo angles from Home Assistant are clamped through the door; a value that is not a number sends nothing', async () => {
    spy.publish('butler/dashan/servo_v/set', '500');
    await until('the clamped vertical angle at the robot', () => (robot.state.servo.vertical === 180 ? true : null));
    const sent = robot.received.length;
    spy.publish('butler/dashan/servo_h/set', 'far left');
    spy.publish('butler/dashan/servo_h/set', '-90');
    await until('the clamped horizontal angle at the robot', () => (robot.state.servo.horizontal === 0 ? true : null));
    assert.equal(robot.received.length, sent + 1, 'only the number became a command');
  });

  test('logs are kept; discovery announces the robot as a device; a select from Home Assistant goes through the door', async () => {
    await until('a log line', () => part.logs.length > 0 || null);
    const cfg = JSON.parse(await until('discovery config', () => seen.get('homeassistant/device/dashan_robot/config')));
    assert.deepEqual(Object.keys(cfg.cmps).sort(), [
      'battery',
      'expression',
      'online',
      'proximity',
      'servo_h',
      'servo_v',
      'speak',
      'state',
    ]);
    assert.equal(cfg.cmps.expression.p, 'select');
    assert.ok(cfg.cmps.expression.options.includes('happy'));
    spy.publish('butler/dashan/expression/set', 'happy');
    await until('happy reached the robot', () => (robot.state.expression === EXPRESSIONS.happy ? true : null));
    core.audit.flush();
    const plans = core.audit.listPlans({ source: 'ha' });
    assert.ok(plans.length >= 1, 'recorded as a door request from Home Assistant');
    spy.publish('butler/dashan/servo_h/set', 'not a number'); // ignored, logged
  });

  test('silence for longer than the offline window: offline, an event, health says since when', async () => {
    robot.pause();
    await until('offline', () => (!part.online ? true : null));
    assert.match(part.health().detail, /offline: no status for \d+ s/);
    core.audit.flush();
    assert.equal(core.audit.listEvents({ type: 'dashan.offline' }).length, 1);
    // The online entity's state reaches this subscriber over the broker, after the part noticed.
    await until('the online entity to say OFF', () => seen.get('butler/dashan/online') === 'OFF');
    const r = await run('dashan_speak', { text: 'anyone?' });
    assert.equal(r.status, 'error');
  });
});
