// IR climate: a SmartIR code set attached to a blaster appears as a Home Assistant climate entity (MQTT discovery);
// Home Assistant's commands go through the door, send the right code, and the last state is remembered across restarts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { MqttBridge } from '../src/bus/mqtt';
import { BroadlinkSimulator, sampleIrPacket } from '../src/demo/broadlink/simulator';
import { BroadlinkPart } from '../src/drivers/broadlink/part';
import { silentLogger } from '../src/log';
import type { JsonObject, Origin } from '../src/types';
import { buildCore, type Core } from './helpers/core';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };
const code = (n: number) => sampleIrPacket(n).toString('base64');
const SET = {
  manufacturer: 'Acme',
  supportedModels: ['AC-9'],
  supportedController: 'Broadlink',
  commandsEncoding: 'Base64',
  minTemperature: 18,
  maxTemperature: 20,
  precision: 1,
  operationModes: ['cool', 'heat'],
  fanModes: ['low', 'auto'],
  commands: {
    off: code(100),
    cool: { low: { '18': code(101), '19': code(102), '20': code(103) }, auto: { '18': code(104), '19': code(105), '20': code(106) } },
    heat: { low: { '18': code(107), '19': code(108), '20': code(109) }, auto: { '18': code(110), '19': code(111), '20': code(112) } },
  },
};

describe('IR climate', () => {
  let broker: TestBroker;
  let core: Core;
  let bridge: MqttBridge;
  let sim: BroadlinkSimulator;
  let part: BroadlinkPart;
  let ha: MqttClient;
  const seen = new Map<string, string>();

  const startPart = () => {
    part = new BroadlinkPart([{ name: 'living', host: '127.0.0.1', port: sim.port }], { timeoutMs: 200, retries: 2 });
    part.start({
      registry: core.registry,
      db: core.db,
      ingest: core.ingest,
      log: silentLogger(),
      mqtt: bridge,
      door: core.door,
      mqttTrusted: true,
    });
  };
  const run = async (action_type: string, params: JsonObject) =>
    (await core.door.execute({ actions: [{ action_type, params }], origin: admin, reason: 'test' })).results[0];

  before(async () => {
    broker = await startMosquitto();
    core = buildCore();
    sim = await new BroadlinkSimulator({ family: 'rm4' }).start();
    bridge = await MqttBridge.connect({ url: broker.url, log: silentLogger(), clientId: 'butler-climate-test' }, core.bus);
    ha = await mqtt.connectAsync(broker.url);
    ha.on('message', (t, p) => seen.set(t, p.toString()));
    await ha.subscribeAsync(['homeassistant/climate/#', 'butler/ir_climate/#']);
    startPart();
  });

  after(async () => {
    await part.stop();
    await ha.endAsync();
    await bridge.close();
    await sim.stop();
    core.close();
    await broker.stop();
  });

  test('attach: a bad code set is refused naming the problem; a good one becomes a climate entity', async () => {
    const bad = await run('ir_climate_attach', {
      name: 'bedroom_ac',
      blaster: 'living',
      code_set: { ...SET, commands: { off: 'bm90IGEgY29kZQ==' } },
    });
    assert.equal(bad.status, 'error');
    assert.match(JSON.stringify(bad.output), /code_set\.commands\.off: the code is not a Broadlink/);
    const unknown = await run('ir_climate_attach', { name: 'bedroom_ac', blaster: 'attic', code_set: SET });
    assert.match(JSON.stringify(unknown.output), /known blasters: living/);
    const ok = await run('ir_climate_attach', { name: 'bedroom_ac', blaster: 'living', code_set: SET });
    assert.equal(ok.status, 'ok', JSON.stringify(ok.output));
    const cfg = JSON.parse(await until('discovery', () => seen.get('homeassistant/climate/butler_ir_bedroom_ac/config')));
    assert.deepEqual(cfg.modes, ['off', 'cool', 'heat']);
    assert.deepEqual(cfg.fan_modes, ['low', 'auto']);
    assert.deepEqual([cfg.min_temp, cfg.max_temp, cfg.temp_step], [18, 20, 1]);
  });

  test('Home Assistant sets mode, fan and temperature: the matching code is sent and the state published', async () => {
    ha.publish('butler/ir_climate/bedroom_ac/mode/set', 'cool');
    const last = () => sim.sent.at(-1)?.data.toString('base64');
    // the first state: off, the first fan, 24° clamped into 18–20
    await until('cool/low/20 sent', () => (last() === code(103) ? true : null));
    ha.publish('butler/ir_climate/bedroom_ac/fan/set', 'auto');
    await until('cool/auto/20 sent', () => (last() === code(106) ? true : null));
    ha.publish('butler/ir_climate/bedroom_ac/temperature/set', '19');
    await until('cool/auto/19 sent', () => (last() === code(105) ? true : null));
    await until('state published', () => (seen.get('butler/ir_climate/bedroom_ac/state')?.includes('19') ? true : null));
    assert.deepEqual(JSON.parse(seen.get('butler/ir_climate/bedroom_ac/state') ?? '{}'), { mode: 'cool', fan: 'auto', temperature: 19 });
    core.audit.flush();
    assert.ok(core.audit.listPlans({ source: 'ha' }).length >= 3, 'each came through the door');
  });

  test('out-of-range temperature and unknown modes are refused; nothing is sent', async () => {
    const before = sim.sent.length;
    const hot = await run('ir_climate_set', { name: 'bedroom_ac', temperature: 25 });
    assert.match(JSON.stringify(hot.output), /25° is outside 18–20°/);
    const dry = await run('ir_climate_set', { name: 'bedroom_ac', mode: 'dry' });
    assert.match(String((dry.output as { error: string }).error), /"dry" is not one of off, cool, heat/);
    const who = await run('ir_climate_set', { name: 'kitchen_ac', mode: 'cool' });
    assert.match(JSON.stringify(who.output), /known: bedroom_ac/);
    assert.equal(sim.sent.length, before);
  });

  test('the last state survives a restart: heat keeps fan auto and 19°', async () => {
    await part.stop();
    startPart();
    const off = await run('ir_climate_set', { name: 'bedroom_ac', mode: 'off' });
    assert.equal(off.status, 'ok', JSON.stringify(off.output));
    assert.equal(sim.sent.at(-1)?.data.toString('base64'), code(100));
    const heat = await run('ir_climate_set', { name: 'bedroom_ac', mode: 'heat' });
    assert.equal(heat.status, 'ok', JSON.stringify(heat.output));
    assert.equal(sim.sent.at(-1)?.data.toString('base64'), code(111));
  });
});
