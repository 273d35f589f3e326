// The butler IR node in the real Node-RED runtime (node-red-node-test-helper) on the real door and Broadlink part
// against the RM4 mini simulator: learn waits for the simulator's delayed press and stores the code, send by name
// reaches the device, learning with no press says so on the status, unknown device or command names reach Catch
// listing the known ones, and the status shows each outcome.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BroadlinkSimulator } from '../src/demo/broadlink/simulator';
import { BroadlinkPart } from '../src/drivers/broadlink/part';
import { silentLogger } from '../src/log';
import { buildCore, type Core } from './helpers/core';
import { errorOf, helper, nextInput as next, startNodeRed } from './helpers/node-red';
import { statusHistory, statusOf } from './helpers/node-status';
import ir = require('../nodes/butler-ir/butler-ir');

let core: Core;
let sim: BroadlinkSimulator;
let part: BroadlinkPart;

before(async () => {
  core = buildCore({ actionTimeoutMs: 10_000 });
  sim = await new BroadlinkSimulator({ family: 'rm4', learnDelayMs: 300 }).start();
  part = new BroadlinkPart([{ name: 'living', host: '127.0.0.1', port: sim.port }], { timeoutMs: 300, retries: 2, learnPollMs: 50 });
  part.start({ registry: core.registry, db: core.db, ingest: core.ingest, log: silentLogger() });
  startNodeRed(core);
});

after(async () => {
  await helper.unload();
  await part.stop();
  await sim.stop();
  core.close();
});

test('learn waits for the press and stores the code; send by name reaches the blaster; the status says so', async () => {
  await helper.load(
    [ir],
    [
      { id: 'tab', type: 'tab' },
      {
        id: 'learner',
        z: 'tab',
        type: 'butler-ir',
        mode: 'learn',
        device_id: 'tv',
        command: 'power',
        repeat: 1,
        duration: 5,
        blaster: 'living',
        version: 1,
        wires: [['out']],
      },
      {
        id: 'sender',
        z: 'tab',
        type: 'butler-ir',
        mode: 'send',
        device_id: 'tv',
        command: 'power',
        repeat: 2,
        duration: 30,
        blaster: '',
        version: 1,
        wires: [['out']],
      },
      {
        id: 'blank',
        z: 'tab',
        type: 'butler-ir',
        mode: 'send',
        device_id: '',
        command: '',
        repeat: 1,
        duration: 30,
        blaster: '',
        version: 1,
        wires: [['out']],
      },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ],
  );
  let got = next('out');
  helper.getNode('learner').receive({ payload: {} });
  const learned = (await got).payload as { learned: boolean; device_id: string; command_name: string };
  assert.equal(learned.learned, true, JSON.stringify(learned));
  assert.deepEqual(
    statusHistory(helper, 'learner')
      .map((s) => s.fill)
      .filter(Boolean),
    ['blue', 'green'],
    'busy while waiting for the press, then done',
  );
  assert.match(String(statusOf(helper, 'learner').text), /^ok/);

  const before = sim.sent.length;
  got = next('out');
  helper.getNode('sender').receive({ payload: 'anything' });
  const sent = await got;
  assert.equal(typeof sent.plan_id, 'string');
  assert.equal(sim.sent.length, before + 2, 'repeat 2: the code went out twice');
  assert.deepEqual(sim.sent.at(-1)?.data, sim.learnCode, 'the learned code, byte for byte');
  assert.equal(statusOf(helper, 'sender').fill, 'green');

  // msg.payload wins over the node's fields: a raw b64 code.
  got = next('out');
  helper.getNode('sender').receive({ payload: { command: `b64:${sim.learnCode.toString('base64')}`, repeat: 1 } });
  await got;
  assert.equal(sim.sent.length, before + 3);

  let caught = next('caught');
  helper.getNode('blank').receive({ payload: 'x' });
  assert.match(await errorOf(caught), /set device_id and command in the node, or send them in msg\.payload/);
  assert.equal(statusOf(helper, 'blank').fill, 'red');

  caught = next('caught');
  helper.getNode('sender').receive({ payload: { device_id: 'radio' } });
  assert.match(await errorOf(caught), /ir_send_command: .*no IR device "radio".*known devices: tv/);
  assert.equal(statusOf(helper, 'sender').fill, 'red');
  assert.match(String(statusOf(helper, 'sender').text), /^error/);

  caught = next('caught');
  helper.getNode('sender').receive({ payload: { command: 'volume_up' } });
  assert.match(await errorOf(caught), /device "tv" has no command "volume_up"; its commands: power/);

  caught = next('caught');
  helper.getNode('sender').receive({ payload: { blaster: 'kitchen' } });
  assert.match(await errorOf(caught), /no Broadlink blaster "kitchen"; known blasters: living/);
  assert.equal(sim.sent.length, before + 3, 'nothing was sent for the bad requests');
});

test('learning with no press within the duration: "nothing received" on a yellow dot, nothing stored', async () => {
  await helper.unload();
  await helper.load(
    [ir],
    [
      { id: 'tab', type: 'tab' },
      {
        id: 'learner',
        z: 'tab',
        type: 'butler-ir',
        mode: 'learn',
        device_id: 'tv',
        command: 'mute',
        repeat: 1,
        duration: 1,
        blaster: 'living',
        version: 1,
        wires: [['out']],
      },
      { id: 'out', z: 'tab', type: 'helper' },
    ],
  );
  sim.learnDelayMs = 60_000;
  try {
    const got = next('out');
    helper.getNode('learner').receive({ payload: {} });
    const r = (await got).payload as { learned: boolean; reason: string };
    assert.equal(r.learned, false);
    assert.match(r.reason, /no button press received within 1 s/);
    assert.equal(statusOf(helper, 'learner').fill, 'yellow');
    assert.match(String(statusOf(helper, 'learner').text), /nothing received/);
  } finally {
    sim.learnDelayMs = 300;
  }
  const list = await core.door.execute({
    actions: [{ action_type: 'ir_list_commands', params: { device_id: 'tv' } }],
    origin: { source: 'api', trusted: true },
  });
  assert.doesNotMatch(JSON.stringify(list.results[0].output), /mute/);
});
