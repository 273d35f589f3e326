// The butler DaShan node in the real Node-RED runtime (node-red-node-test-helper) on the real door and DaShan part,
// with the simulated robot over a real broker: an expression by name, clamped servo angles, speech from msg.payload,
// unknown names and bad servo values reaching Catch with the known ones listed, a robot offline, and the status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatedRobot } from '../src/demo/dashan/robot';
import type { DashanPart } from '../src/drivers/dashan/part';
import { EXPRESSIONS } from '../src/drivers/dashan/protocol';
import { type DashanRig, startDashan, startRobot } from './helpers/dashan';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { helper, startNodeRed, nextInput as next, errorOf } from './helpers/node-red';
import { statusOf } from './helpers/node-status';
import { until } from './helpers/wait';
import dashan = require('../nodes/butler-dashan/butler-dashan');

let broker: TestBroker;
let rig: DashanRig;
let part: DashanPart;
let robot: SimulatedRobot;

before(async () => {
  broker = await startMosquitto();
  rig = await startDashan(broker, { prefix: 'daShan', offlineAfterMs: 600 });
  part = rig.part;
  robot = await startRobot(rig);
  startNodeRed(rig.core);
});

after(async () => {
  await helper.unload();
  await robot.stop();
  await rig.stop();
  await broker.stop();
});

const lastCommand = (name: string) => robot.received.filter((c) => c.command === name).at(-1);

test('expression, servo and speech reach the robot through the door; bad values reach Catch naming what is allowed', async () => {
  await helper.load(
    [dashan],
    [
      { id: 'tab', type: 'tab' },
      { id: 'face', z: 'tab', type: 'butler-dashan', what: 'expression', value: '', version: 1, wires: [['out']] },
      { id: 'head', z: 'tab', type: 'butler-dashan', what: 'servo', value: '', version: 1, wires: [['out']] },
      { id: 'voice', z: 'tab', type: 'butler-dashan', what: 'speak', value: '', version: 1, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ],
  );
  let got = next('out');
  helper.getNode('face').receive({ payload: 'happy' });
  assert.deepEqual((await got).payload, { expression: 'happy', expression_id: EXPRESSIONS.happy, brightness: 80 });
  await until('the robot shows happy', () => (robot.state.expression === EXPRESSIONS.happy ? true : null));
  assert.equal(statusOf(helper, 'face').fill, 'green');

  got = next('out');
  helper.getNode('head').receive({ payload: '250, -30' });
  assert.deepEqual((await got).payload, { horizontal: 180, vertical: 0, clamped: true });
  await until('the clamped angles at the robot', () => lastCommand('set_servo'));
  assert.deepEqual(lastCommand('set_servo')?.params, { servo_h: 180, servo_v: 0 });

  got = next('out');
  helper.getNode('voice').receive({ payload: 'Dinner is ready' });
  await got;
  await until('the robot got the sentence', () => lastCommand('speak'));
  assert.deepEqual(lastCommand('speak')?.params, { text: 'Dinner is ready' });

  let caught = next('caught');
  helper.getNode('face').receive({ payload: 'grumpy' });
  const unknown = await errorOf(caught);
  assert.match(unknown, /^Error: dashan_expression: /);
  for (const name of ['happy', 'think', 'confused']) assert.ok(unknown.includes(name), `the known expressions are listed: ${unknown}`);
  assert.equal(statusOf(helper, 'face').fill, 'red');

  caught = next('caught');
  helper.getNode('head').receive({ payload: 'left' });
  assert.match(await errorOf(caught), /servo: send \{horizontal, vertical\} or set "90,90" in the node/);
  assert.equal(statusOf(helper, 'head').fill, 'red');

  caught = next('caught');
  helper.getNode('voice').receive({ payload: 42 });
  assert.match(await errorOf(caught), /speak: set a value in the node or send it as msg\.payload/);
});

test('the robot offline: the node fails with the reason and shows it', async () => {
  robot.pause();
  await until('offline', () => (!part.online ? true : null));
  const caught = next('caught');
  helper.getNode('face').receive({ payload: 'sad' });
  assert.match(await errorOf(caught), /dashan_expression: the DaShan robot is offline: no status on daShan\/status for \d+ s/);
  assert.match(String(statusOf(helper, 'face').text), /^error/);
});
