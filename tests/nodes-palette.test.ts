// The butler palette under node-red-node-test-helper, wired to real services: the action registry, policy and door
// on a temp SQLite file, the demo home over its real WebSocket protocol, and a real MQTT broker.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import type { HaConnection } from '../src/ha/connection';
import { MqttBridge } from '../src/bus/mqtt';
import { silentLogger } from '../src/log';
import { FlowConversations } from '../src/flows/conversations';
import type { ButlerServices } from '../src/flows/services';
import { migrate } from '../nodes/lib/red';
import eventIn = require('../nodes/butler-event-in/butler-event-in');
import commandIn = require('../nodes/butler-command-in/butler-command-in');
import reply = require('../nodes/butler-reply/butler-reply');
import policy = require('../nodes/butler-policy/butler-policy');
import execute = require('../nodes/butler-execute/butler-execute');
import haState = require('../nodes/butler-ha-state/butler-ha-state');
import haCall = require('../nodes/butler-ha-call-service/butler-ha-call-service');
import haEntity = require('../nodes/butler-ha-entity/butler-ha-entity');
import { until } from './helpers/wait';
import { statusHistory, statusOf } from './helpers/node-status';

// node-red-node-test-helper ships no types.
interface TestNode {
  on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { lastCall: { args: [Record<string, unknown>] } | null };
}
interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}
const helper = require('node-red-node-test-helper') as Helper;

// Node-RED's own change node, for flows that shape a message between ours.
const changeNode: unknown = require(
  require.resolve('@node-red/nodes/core/function/15-change.js', { paths: [require.resolve('node-red')] }),
);
const ALL = [eventIn, commandIn, reply, policy, execute, haState, haCall, haEntity, changeNode];

/** The next message a node sends to the helper node `id`. */
function next(id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => helper.getNode(id).on('input', resolve));
}

/** A flow with a Catch node wired to helper "caught". */
function withCatch(flow: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    { id: 'tab', type: 'tab' },
    ...flow.map((n) => ({ z: 'tab', ...n })),
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

describe('butler palette', () => {
  let ha: HaConnection;
  let core: Core;
  let env: HomeAndCore;
  let broker: TestBroker;
  let bridge: MqttBridge;
  let conversations: FlowConversations;
  let probe: MqttClient;

  before(async () => {
    env = await startHomeAndCore();
    ({ ha, core } = env);
    broker = await startMosquitto();
    bridge = await MqttBridge.connect({ url: broker.url, log: silentLogger(), clientId: `nodes-test-${process.pid}` }, core.bus);
    probe = await mqtt.connectAsync(broker.url, { clientId: `probe-${process.pid}` });
    conversations = new FlowConversations();
    const services: ButlerServices = {
      bus: core.bus,
      door: core.door,
      policy: core.policy,
      registry: core.registry,
      ha,
      ingest: core.ingest,
      mqtt: bridge,
      conversations,
      log: silentLogger(),
    };
    helper.init(require.resolve('node-red'));
    helper.settings({ butler: services });
  });

  afterEach(async () => {
    await helper.unload();
  });

  after(async () => {
    conversations.close();
    await probe.endAsync();
    await bridge.close();
    await broker.stop();
    await env.stop();
  });

  test('butler-event-in sends matching events with the event attached, and shows the last one', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'in', type: 'butler-event-in', types: 'door.*', sources: 'mqtt', version: 1, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    );
    const got = next('out');
    core.ingest.accept({ type: 'motion.detected', payload: {} }, 'mqtt');
    core.ingest.accept({ type: 'door.opened', payload: { where: 'front' } }, 'ha');
    const accepted = core.ingest.accept({ type: 'door.opened', payload: { where: 'back' } }, 'mqtt');
    const msg = await got;
    assert.equal(msg.topic, 'door.opened');
    assert.deepEqual(msg.payload, { where: 'back' });
    assert.equal((msg.event as { event_id: string }).event_id, accepted.event_id);
    const st = statusOf(helper, 'in');
    assert.equal(st.fill, 'green');
    assert.match(String(st.text), /door\.opened/);
  });

  test('butler-command-in + butler-reply answer a conversation; other sentences are declined at once', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'cin', type: 'butler-command-in', pattern: '^hello', version: 1, wires: [['rep']] },
        { id: 'rep', type: 'butler-reply', version: 1, wires: [] },
      ]),
    );
    const base = { conversation_id: 'c1', language: 'en', origin: { source: 'api', trusted: true }, event_id: null };
    assert.deepEqual(await conversations.offer({ ...base, text: 'hello butler' }, 5000), {
      reply: 'hello butler',
      plan_id: null,
      results: undefined,
    });
    assert.equal(await conversations.offer({ ...base, text: 'what time is it' }, 60_000), null);
  });

  test('butler-reply does not let a success sentence hide an action that waits for a person', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'cin', type: 'butler-command-in', pattern: '^unlock', version: 1, wires: [['say']] },
        {
          id: 'say',
          type: 'change',
          rules: [
            {
              t: 'set',
              p: 'payload',
              pt: 'msg',
              to: '{"reply":"Unlocked the door.","results":[{"plan_id":"p","index":0,"action_type":"ha_call_service","status":"pending_confirmation","output":{},"ts":1}]}',
              tot: 'json',
            },
          ],
          wires: [['rep']],
        },
        { id: 'rep', type: 'butler-reply', version: 1, wires: [] },
      ]),
    );
    const base = { conversation_id: 'c2', language: 'en', origin: { source: 'api', trusted: true }, event_id: null };
    const answer = await conversations.offer({ ...base, text: 'unlock the door' }, 5000);
    assert.match(String(answer?.reply), /needs confirmation/);
  });

  test('butler-reply without a conversation is an error a Catch node sees', { timeout: 15_000 }, async () => {
    await helper.load(ALL, withCatch([{ id: 'rep', type: 'butler-reply', version: 1, wires: [] }]));
    const caught = next('caught');
    helper.getNode('rep').receive({ payload: 'hi' });
    const msg = await caught;
    assert.match(String((msg.error as { message: string }).message), /_butler_conversation is missing/);
    assert.equal(statusOf(helper, 'rep').fill, 'red');
  });

  test('butler-policy routes allowed / denied / needs confirmation, and invalid params to Catch', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'pol', type: 'butler-policy', version: 1, wires: [['allow'], ['deny'], ['confirm']] },
        { id: 'allow', type: 'helper' },
        { id: 'deny', type: 'helper' },
        { id: 'confirm', type: 'helper' },
      ]),
    );
    const pol = helper.getNode('pol');
    const allowed = next('allow');
    pol.receive({
      payload: {
        action_type: 'ha_call_service',
        params: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.bed_light' } },
      },
    });
    assert.equal(((await allowed).policy as { verdict: string }).verdict, 'allow');

    const denied = next('deny');
    pol.receive({ payload: { action_type: 'system_exec', params: { command: 'rm', args: ['-rf', '/'] } } });
    const d = (await denied).policy as { verdict: string; decisions: { reason: string }[] };
    assert.equal(d.verdict, 'deny');
    assert.match(d.decisions[0].reason, /allowlist/);

    const confirm = next('confirm');
    pol.receive({
      payload: { action_type: 'ha_call_service', params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } } },
      origin: { source: 'messaging', trusted: false },
    });
    assert.equal(((await confirm).policy as { verdict: string }).verdict, 'confirm');

    const caught = next('caught');
    pol.receive({ payload: { action_type: 'ha_call_service', params: { domain: 'Not A Domain' } } });
    const err = await caught;
    assert.match(String((err.error as { message: string }).message), /invalid params for ha_call_service/);
  });

  test('butler-execute runs through the one door, linked to the event; failures reach Catch', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'ex', type: 'butler-execute', version: 1, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    );
    const event = core.ingest.accept({ type: 'test.execute', payload: {} }, 'test');
    const out = next('out');
    helper.getNode('ex').receive({
      payload: {
        actions: [
          { action_type: 'ha_call_service', params: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.bed_light' } } },
        ],
      },
      event,
    });
    const outcome = (await out).payload as { plan_id: string; results: { status: string }[] };
    assert.equal(outcome.results[0].status, 'ok');
    await until('the bed light to be on', () => ha.getState('light.bed_light')?.state === 'on');
    core.audit.flush();
    const row = core.db.sqlite.prepare('SELECT triggered_by_event_id, source FROM plans WHERE plan_id = ?').get(outcome.plan_id) as {
      triggered_by_event_id: string;
      source: string;
    };
    assert.equal(row.triggered_by_event_id, event.event_id);
    assert.equal(row.source, 'flow');

    const caught = next('caught');
    helper.getNode('ex').receive({
      payload: {
        action_type: 'ha_call_service',
        params: { domain: 'light', service: 'no_such_service', target: { entity_id: 'light.bed_light' } },
      },
    });
    const err = await caught;
    assert.match(String((err.error as { message: string }).message), /1 of 1 action\(s\) failed: ha_call_service/);

    const caught2 = next('caught');
    helper.getNode('ex').receive({ payload: 'turn on the lights' });
    assert.match(String(((await caught2).error as { message: string }).message), /no action: set one in the node/);
  });

  test('butler-ha-call-service calls Home Assistant through the door; bad data is an error', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        {
          id: 'call',
          type: 'butler-ha-call-service',
          domain: 'light',
          service: 'turn_off',
          entity_id: 'light.ceiling_lights',
          data: '',
          version: 1,
          wires: [['out']],
        },
        {
          id: 'bad',
          type: 'butler-ha-call-service',
          domain: 'light',
          service: 'turn_on',
          entity_id: 'light.ceiling_lights',
          data: '{oops',
          version: 1,
          wires: [['out']],
        },
        { id: 'out', type: 'helper' },
      ]),
    );
    const out = next('out');
    helper.getNode('call').receive({ payload: 'go' });
    assert.equal(((await out).payload as { results: { status: string }[] }).results[0].status, 'ok');
    await until('the ceiling lights to be off', () => ha.getState('light.ceiling_lights')?.state === 'off');
    const caught = next('caught');
    helper.getNode('bad').receive({ payload: 'go' });
    assert.match(String(((await caught).error as { message: string }).message), /node's data is not valid JSON/);
  });

  test('butler-ha-state fires on matching changes, after the hold time', { timeout: 15_000 }, async () => {
    await ha.callService('light', 'turn_on', {}, { entity_id: 'light.kitchen_lights' });
    await until('kitchen on', () => ha.getState('light.kitchen_lights')?.state === 'on');
    await helper.load(
      ALL,
      withCatch([
        { id: 'st', type: 'butler-ha-state', entity_id: 'light.kitchen*', from: 'on', to: 'off', for: 0.05, version: 1, wires: [['out']] },
        // The same change, held for an hour: it cannot have passed while this test runs.
        {
          id: 'hour',
          type: 'butler-ha-state',
          entity_id: 'light.kitchen*',
          from: 'on',
          to: 'off',
          for: 3600,
          version: 1,
          wires: [['late']],
        },
        { id: 'out', type: 'helper' },
        { id: 'late', type: 'helper' },
      ]),
    );
    const tooEarly: Record<string, unknown>[] = [];
    helper.getNode('late').on('input', (m) => tooEarly.push(m));
    const out = next('out');
    await ha.callService('light', 'turn_off', {}, { entity_id: 'light.kitchen_lights' });
    const msg = await out;
    assert.equal(msg.topic, 'light.kitchen_lights');
    assert.equal(msg.payload, 'off');
    // Both nodes handled the change (each shows it is waiting as it does); only the one whose hold ran out fired.
    const st = statusHistory(helper, 'st').map((x) => `${x.fill} ${x.text}`);
    const waited = st.findIndex((x) => /^yellow off, waiting 0\.05s/.test(x));
    assert.ok(waited >= 0 && /^green off ·/.test(st.at(-1) ?? '') && waited < st.length - 1, `st waited, then fired: ${st.join(' | ')}`);
    const hour = statusOf(helper, 'hour');
    assert.equal(hour.fill, 'yellow', `the hour-long hold is still waiting: ${JSON.stringify(hour)}`);
    assert.match(String(hour.text), /waiting 3600s/);
    assert.deepEqual(tooEarly, [], 'nothing fires before its hold time');
    const event = msg.event as { event_id: string; type: string; payload: { from: string; to: string } };
    assert.equal(event.type, 'ha.state_changed', 'the triggering change is recorded so the run links to it');
    assert.deepEqual([event.payload.from, event.payload.to], ['on', 'off']);
  });

  test('butler-ha-entity announces itself by MQTT discovery, publishes state and relays commands', { timeout: 15_000 }, async () => {
    const seen = new Map<string, string>();
    probe.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await probe.subscribeAsync(['homeassistant/switch/test_guest/config', 'butler/entity/test_guest/state']);
    await helper.load(
      ALL,
      withCatch([
        {
          id: 'ent',
          type: 'butler-ha-entity',
          component: 'switch',
          object_id: 'test_guest',
          entity_name: 'Guest',
          version: 1,
          wires: [['out']],
        },
        { id: 'out', type: 'helper' },
      ]),
    );
    await until('discovery', () => seen.has('homeassistant/switch/test_guest/config'));
    const cfg = JSON.parse(seen.get('homeassistant/switch/test_guest/config')!) as Record<string, unknown>;
    assert.equal(cfg.command_topic, 'butler/entity/test_guest/set');
    assert.equal(cfg.state_topic, 'butler/entity/test_guest/state');
    assert.equal(cfg.unique_id, 'smart_butler_test_guest');

    helper.getNode('ent').receive({ payload: true });
    await until('state ON', () => seen.get('butler/entity/test_guest/state') === 'ON');

    const out = next('out');
    // The node subscribes asynchronously; publish until the command comes through.
    let got: Record<string, unknown> | null = null;
    void out.then((m) => (got = m));
    for (let i = 0; i < 50 && !got; i++) {
      await probe.publishAsync('butler/entity/test_guest/set', 'OFF', { qos: 1 });
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.ok(got, 'a command from Home Assistant comes out of the node');
    assert.equal((got as Record<string, unknown>).payload, 'OFF');

    const caught = next('caught');
    helper.getNode('ent').receive({});
    assert.match(String(((await caught).error as { message: string }).message), /msg.payload is the state to publish/);
  });

  test('butler-ha-entity with a bad object id says so in its status', { timeout: 15_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([{ id: 'ent', type: 'butler-ha-entity', component: 'sensor', object_id: 'Bad Id!', version: 1, wires: [[]] }]),
    );
    assert.deepEqual(statusOf(helper, 'ent'), { fill: 'red', shape: 'ring', text: 'config error' });
  });

  test('old node configs are migrated step by step', { timeout: 15_000 }, () => {
    const c = migrate<{ id: string; type: string; version: number; types: string }>(
      { id: 'x', type: 'butler-event-in', filter: 'door.*' },
      1,
      {
        0: (d) => ({ ...d, types: (d.filter as string) ?? '' }),
      },
    );
    assert.equal(c.version, 1);
    assert.equal(c.types, 'door.*');
    assert.equal(migrate({ id: 'x', type: 't', version: 1 }, 1, { 0: () => assert.fail('not run for current configs') }).version, 1);
  });
});
