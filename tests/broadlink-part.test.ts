// The Broadlink part through the door: health per blaster, send and learn against the simulator, the code library
// (HA codes file and SmartIR in and out, toggles), unknown names listing the known ones, lost packets and wrong keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BroadlinkPart } from '../src/drivers/broadlink/part';
import { BroadlinkSimulator, sampleIrPacket } from '../src/demo/broadlink/simulator';
import { silentLogger } from '../src/log';
import type { JsonObject, Origin } from '../src/types';
import { buildCore, type Core } from './helpers/core';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };

async function run(core: Core, action_type: string, params: JsonObject) {
  const out = await core.door.execute({ actions: [{ action_type, params }], origin: admin, reason: 'test' });
  return out.results[0];
}

describe('broadlink part through the door', () => {
  let core: Core;
  let sim: BroadlinkSimulator;
  let mini: BroadlinkSimulator;
  let locked: BroadlinkSimulator;
  let part: BroadlinkPart;

  before(async () => {
    core = buildCore({ actionTimeoutMs: 5000 });
    sim = await new BroadlinkSimulator({ family: 'rm4', learnDelayMs: 150 }).start();
    mini = await new BroadlinkSimulator({ family: 'rmmini', mac: '34:ea:34:00:00:02' }).start();
    locked = await new BroadlinkSimulator({ family: 'rm4', wrongKey: true }).start();
    part = new BroadlinkPart(
      [
        { name: 'living', host: '127.0.0.1', port: sim.port },
        { name: 'bedroom', host: '127.0.0.1', port: mini.port, type: 'rmmini' },
        { name: 'locked', host: '127.0.0.1', port: locked.port },
      ],
      { timeoutMs: 200, retries: 2, learnPollMs: 50 },
    );
    part.start({ registry: core.registry, db: core.db, ingest: core.ingest, log: silentLogger() });
  });

  after(async () => {
    await part.stop();
    await Promise.all([sim.stop(), mini.stop(), locked.stop()]);
    core.close();
  });

  test('health: one component per blaster, the reason when not ok', async () => {
    const h = await until('health settled', () => {
      const x = part.health();
      return x['broadlink:living'].ok && x['broadlink:bedroom'].ok && x['broadlink:locked'].detail !== 'connecting' ? x : null;
    });
    assert.match(h['broadlink:living'].detail, /RM4 34:ea:34:b4:5c:01, 22\.5 °C/);
    assert.match(h['broadlink:bedroom'].detail, /RM mini 3/);
    assert.equal(h['broadlink:locked'].ok, false);
    assert.match(h['broadlink:locked'].detail, /authentication failed/);
  });

  test('learn → stored → send by name reaches the device; ir.learned is an event from the blaster', async () => {
    const r = await run(core, 'ir_learn_command', { device_id: 'tv', command_name: 'power', duration: 5, blaster: 'living' });
    assert.equal(r.status, 'ok', JSON.stringify(r.output));
    assert.equal((r.output as { learned: boolean }).learned, true);
    const before = sim.sent.length;
    const s = await run(core, 'ir_send_command', { device_id: 'tv', command: 'power', repeat: 2 });
    assert.equal(s.status, 'ok', JSON.stringify(s.output));
    assert.equal(sim.sent.length, before + 2);
    assert.deepEqual(sim.sent.at(-1)?.data, sim.learnCode);
    core.audit.flush();
    const events = core.audit.listEvents({ type: 'ir.learned' });
    assert.equal(events.length, 1);
    assert.equal(events[0].source, 'broadlink:living');
  });

  test('learn with no press says so and stores nothing', async () => {
    sim.learnDelayMs = 60_000;
    try {
      const r = await run(core, 'ir_learn_command', { device_id: 'tv', command_name: 'mute', duration: 1, blaster: 'living' });
      assert.equal(r.status, 'ok');
      assert.deepEqual({ learned: (r.output as { learned: boolean }).learned }, { learned: false });
      assert.match(String((r.output as { reason: string }).reason), /no button press received within 1 s/);
      const l = await run(core, 'ir_list_commands', { device_id: 'tv' });
      assert.deepEqual((l.output as { devices: Record<string, string[]> }).devices.tv, ['power']);
    } finally {
      sim.learnDelayMs = 150;
    }
  });

  test('raw b64 codes go to the named blaster (RM mini 3 family); garbage codes are refused by name', async () => {
    const code = sampleIrPacket(11);
    const r = await run(core, 'ir_send_command', { device_id: 'bedroom', command: `b64:${code.toString('base64')}` });
    assert.equal(r.status, 'ok', JSON.stringify(r.output));
    assert.deepEqual(mini.sent.at(-1)?.data, code);
    const bad = await run(core, 'ir_send_command', { device_id: 'bedroom', command: 'b64:!!!' });
    assert.equal(bad.status, 'error');
    assert.match(JSON.stringify(bad.output), /command: the code is not base64/);
  });

  test('unknown device, command and blaster names list the known ones', async () => {
    const a = await run(core, 'ir_send_command', { device_id: 'radio', command: 'power' });
    assert.match(JSON.stringify(a.output), /no IR device \\"radio\\".*known devices: tv/);
    const b = await run(core, 'ir_send_command', { device_id: 'tv', command: 'volume_up' });
    assert.match(JSON.stringify(b.output), /device \\"tv\\" has no command \\"volume_up\\"; its commands: power/);
    const c = await run(core, 'ir_send_command', { device_id: 'tv', command: 'power', blaster: 'kitchen' });
    assert.match(JSON.stringify(c.output), /no Broadlink blaster \\"kitchen\\"; known blasters: living, bedroom, locked/);
    const d = await run(core, 'ir_send_command', { device_id: 'tv', command: 'power', repeat: 99 });
    assert.equal(d.status, 'error');
    assert.match(JSON.stringify(d.output), /repeat/);
    // Learning and listing name the known ones too; nothing is learned on a blaster that does not exist.
    const e = await run(core, 'ir_learn_command', { device_id: 'tv', command_name: 'input', duration: 5, blaster: 'garage' });
    assert.equal(e.status, 'error');
    assert.match(JSON.stringify(e.output), /no Broadlink blaster \\"garage\\"; known blasters: living, bedroom, locked/);
    assert.equal(sim.isLearning, false);
    const f = await run(core, 'ir_list_commands', { device_id: 'radio' });
    assert.equal(f.status, 'error');
    assert.match(JSON.stringify(f.output), /no IR device \\"radio\\".*known devices: tv/);
  });

  test('a blaster with the wrong key: the send fails with the reason, nothing hangs', async () => {
    const r = await run(core, 'ir_send_command', { device_id: 'tv', command: 'power', blaster: 'locked' });
    assert.equal(r.status, 'error');
    assert.match(JSON.stringify(r.output), /authentication failed/);
  });

  test('lost packets: sends through the door still succeed with retries', async () => {
    // Every fifth packet (request or reply) is lost: counted loss, so the test does not depend on chance.
    sim.dropEvery = 5;
    const dropped = sim.stats.dropped;
    try {
      let ok = 0;
      for (let i = 0; i < 15; i++)
        if ((await run(core, 'ir_send_command', { device_id: 'tv', command: 'power', blaster: 'living' })).status === 'ok') ok++;
      assert.equal(ok, 15, `${ok}/15 succeeded`);
      assert.ok(sim.stats.dropped - dropped >= 5, 'packets were lost on the way');
    } finally {
      sim.dropEvery = 0;
    }
  });

  test("Home Assistant's codes file: import (toggle pair), toggles alternate, export gives the same file back", async () => {
    const a = sampleIrPacket(1).toString('base64');
    const b = sampleIrPacket(2).toString('base64');
    const c = sampleIrPacket(3).toString('base64');
    const file = { fan: { speed: [a, b], light: c } };
    const imp = await run(core, 'ir_import_codes', { format: 'homeassistant', codes: file });
    assert.equal(imp.status, 'ok', JSON.stringify(imp.output));
    for (const want of [a, b, a]) {
      await run(core, 'ir_send_command', { device_id: 'fan', command: 'speed', blaster: 'living' });
      assert.equal(sim.sent.at(-1)?.data.toString('base64'), want);
    }
    const exp = await run(core, 'ir_export_codes', { format: 'homeassistant', device_id: 'fan' });
    assert.deepEqual(exp.output, file);
  });

  test('a bad codes file is refused as a whole, naming the bad entry; nothing of it is stored', async () => {
    const good = sampleIrPacket(5).toString('base64');
    const r = await run(core, 'ir_import_codes', { format: 'homeassistant', codes: { stereo: { on: good, off: 'aGVsbG8gd29ybGQ=' } } });
    assert.equal(r.status, 'error');
    assert.match(JSON.stringify(r.output), /codes\.stereo\.off: the code is not a Broadlink IR\/RF packet/);
    const l = await run(core, 'ir_list_commands', {});
    assert.equal((l.output as { devices: Record<string, unknown> }).devices.stereo, undefined);
  });

  test('SmartIR code set: imported as nested commands, exported back the same', async () => {
    const code = (n: number) => sampleIrPacket(n).toString('base64');
    const set = {
      manufacturer: 'Acme',
      supportedModels: ['AC-1'],
      supportedController: 'Broadlink',
      commandsEncoding: 'Base64',
      commands: { off: code(20), cool: { auto: { '24': code(21), '25': code(22) } } },
    };
    const imp = await run(core, 'ir_import_codes', { format: 'smartir', device_id: 'ac', codes: set });
    assert.equal(imp.status, 'ok', JSON.stringify(imp.output));
    assert.equal((imp.output as { imported: number }).imported, 3);
    const s = await run(core, 'ir_send_command', { device_id: 'ac', command: 'cool/auto/24', blaster: 'living' });
    assert.equal(s.status, 'ok');
    assert.equal(sim.sent.at(-1)?.data.toString('base64'), code(21));
    const exp = await run(core, 'ir_export_codes', { format: 'smartir', device_id: 'ac' });
    assert.deepEqual((exp.output as { commands: unknown }).commands, set.commands);
    const wrong = await run(core, 'ir_import_codes', {
      format: 'smartir',
      device_id: 'ac2',
      codes: { ...set, supportedController: 'Xiaomi' },
    });
    assert.match(JSON.stringify(wrong.output), /supportedController: \\"Xiaomi\\" is not supported/);
  });

  test('delete one command, then a whole device; deleting what is not there lists what is', async () => {
    assert.equal((await run(core, 'ir_delete_command', { device_id: 'fan', command: 'light' })).status, 'ok');
    const again = await run(core, 'ir_delete_command', { device_id: 'fan', command: 'light' });
    assert.match(JSON.stringify(again.output), /its commands: speed/);
    const all = await run(core, 'ir_delete_command', { device_id: 'fan' });
    assert.equal((all.output as { deleted: number }).deleted, 1);
  });
});
