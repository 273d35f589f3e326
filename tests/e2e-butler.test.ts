// The whole butler as a child process against a real Mosquitto and a demo home in this process (so the test can
// restart Home Assistant under it): commands through the API and MQTT, confirmations, garbage input, reconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { until } from './helpers/wait';
import type { ActionResult, ButlerEvent, InputError } from '../src/types';
import type { TimelineEntry } from '../src/store/audit';

let broker: TestBroker;
let home: DemoHome;
let butler: ButlerProcess;
let client: MqttClient;
const token = randomBytes(12).toString('hex');
const received: { topic: string; body: unknown }[] = [];

function messages<T>(topic: string): T[] {
  return received.filter((m) => m.topic === topic).map((m) => m.body as T);
}

before(async () => {
  broker = await startMosquitto();
  home = await startDemoHome({ port: 0, token });
  butler = await spawnButler({ env: { BUTLER_MQTT_URL: broker.url, BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token } });
  client = await mqtt.connectAsync(broker.url, { clientId: `test-${randomBytes(4).toString('hex')}` });
  // Listen before subscribing: the retained butler/status arrives right after the SUBACK.
  client.on('message', (topic, payload) => {
    let body: unknown = payload.toString();
    try {
      body = JSON.parse(payload.toString());
    } catch {
      /* plain text, e.g. butler/status */
    }
    received.push({ topic, body });
  });
  await client.subscribeAsync(['butler/out/#', 'butler/status'], { qos: 1 });
});

after(async () => {
  await client?.endAsync();
  await butler?.stop();
  await home?.stop();
  await broker?.stop();
});

test('health is ok with MQTT and Home Assistant connected; the status topic says online', async () => {
  const h = await butler.api<{ status: string; components: Record<string, { ok: boolean }> }>('GET', '/api/health');
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'ok', JSON.stringify(h.body));
  await until('butler/status online', () => messages<string>('butler/status').includes('online'));
});

test('POST /api/command turns on a light in the home; event, plan and results are linked in the timeline', async () => {
  home.setState('light.kitchen_lights', 'off');
  const r = await butler.api<{ plan_id: string; results: ActionResult[] }>('POST', '/api/command', {
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.kitchen_lights' } }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body.results));
  assert.equal(home.getState('light.kitchen_lights')?.state, 'on');
  const mirrored = await until('the mirror to catch up', async () => {
    const e = await butler.api<{ state: string }>('GET', '/api/entities/light.kitchen_lights');
    return e.body.state === 'on' ? e.body : null;
  });
  assert.equal(mirrored.state, 'on');
  const tl = await butler.api<{ timeline: TimelineEntry[] }>('GET', '/api/timeline?limit=20');
  const chain = tl.body.timeline.find((t) => t.plans.some((p) => p.plan.plan_id === r.body.plan_id));
  assert.ok(chain, 'the plan is in the timeline');
  assert.equal(chain.event?.type, 'command.actions');
  assert.equal(chain.plans[0].plan.triggered_by_event_id, chain.event?.event_id);
  assert.equal(chain.plans[0].results[0].status, 'ok');
});

test('butler/in/command turns on a light; results are published and recorded, linked to the command event', async () => {
  home.setState('light.bed_light', 'off');
  const correlation_id = `c-${randomBytes(4).toString('hex')}`;
  await client.publishAsync(
    'butler/in/command',
    JSON.stringify({
      command_type: 'actions',
      payload: { actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.bed_light' } }] },
      correlation_id,
    }),
    { qos: 1 },
  );
  const result = await until('the action result', () =>
    messages<ActionResult>('butler/out/action_result').find(
      (r) => r.action_type === 'device_turn_on' && (r.output as { states?: Record<string, string> })?.states?.['light.bed_light'],
    ),
  );
  assert.equal(result.status, 'ok');
  assert.equal(home.getState('light.bed_light')?.state, 'on');
  const event = messages<ButlerEvent>('butler/out/event').find((e) => e.correlation_id === correlation_id);
  assert.ok(event, 'the command was published as an event');
  const plans = await butler.api<{ plans: { plan_id: string; triggered_by_event_id: string; source: string; trusted: boolean }[] }>(
    'GET',
    `/api/plans?event_id=${event.event_id}`,
  );
  assert.equal(plans.body.plans.length, 1);
  assert.equal(plans.body.plans[0].plan_id, result.plan_id);
  assert.equal(plans.body.plans[0].trusted, false, 'MQTT is untrusted by default');
});

test('lock.unlock on butler/in/command waits for confirmation; the lock stays locked until approved', async () => {
  home.setState('lock.front_door', 'locked');
  await client.publishAsync(
    'butler/in/command',
    JSON.stringify({
      command_type: 'actions',
      payload: {
        actions: [
          { action_type: 'ha_call_service', params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } } },
        ],
      },
    }),
    { qos: 1 },
  );
  const pending = await until('a pending result', () =>
    messages<ActionResult>('butler/out/action_result').find(
      (r) => r.status === 'pending_confirmation' && r.action_type === 'ha_call_service',
    ),
  );
  const id = (pending.output as { confirmation_id: string }).confirmation_id;
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
  const list = await butler.api<{ confirmations: { id: string }[] }>('GET', '/api/confirmations?status=pending');
  assert.ok(list.body.confirmations.some((c) => c.id === id));
  const approved = await butler.api<{ result: ActionResult }>('POST', `/api/confirmations/${id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(approved.body.result.status, 'ok');
  assert.equal(home.getState('lock.front_door')?.state, 'unlocked');
  const again = await butler.api<{ error: string }>('POST', `/api/confirmations/${id}/approve`);
  assert.equal(again.status, 409);
  const missing = await butler.api<{ error: string }>('POST', '/api/confirmations/nope/approve');
  assert.equal(missing.status, 404);
});

test('system_exec with the default (empty) allowlist is denied, even for the trusted API', async () => {
  const r = await butler.api<{ results: ActionResult[] }>('POST', '/api/command', {
    actions: [{ action_type: 'system_exec', params: { command: '/bin/echo', args: ['hi'] } }],
  });
  assert.equal(r.body.results[0].status, 'denied');
});

test('privacy mode set through the API blocks recording through the API too', async () => {
  const on = await butler.api('PUT', '/api/mode', { privacy: true });
  assert.equal(on.status, 200);
  const r = await butler.api<{ results: ActionResult[] }>('POST', '/api/command', {
    actions: [{ action_type: 'store_event', params: { kind: 'record' } }],
  });
  assert.equal(r.body.results[0].status, 'denied');
  await butler.api('PUT', '/api/mode', { privacy: false });
});

test('garbage on every MQTT input topic is answered on butler/out/error with a reason, and the butler keeps serving', async () => {
  const garbage: [string, string | Buffer][] = [
    ['butler/in/event', 'not json'],
    ['butler/in/event', '[1,2,3]'],
    ['butler/in/event', '{"payload": {}}'],
    ['butler/in/event', '{"type": "x", "severity": 9}'],
    ['butler/in/event', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['butler/in/event', ''],
    ['butler/in/command', '{"command_type": "dance", "payload": {}}'],
    ['butler/in/command', '{"command_type": "actions", "payload": {"actions": "all of them"}}'],
    ['butler/in/command', '{"command_type": "text", "payload": {}}'],
    ['butler/in/command', '{'],
    ['butler/in/command', 'x'.repeat(300 * 1024)],
  ];
  const before = messages<InputError>('butler/out/error').length;
  for (const [topic, payload] of garbage) await client.publishAsync(topic, payload, { qos: 1 });
  const errors = await until('every rejection', () => {
    const e = messages<InputError>('butler/out/error').slice(before);
    return e.length >= garbage.length ? e : null;
  });
  const reasons = errors.map((e) => e.reason).join('\n');
  assert.match(reasons, /not valid JSON/);
  assert.match(reasons, /an event must be a JSON object/);
  assert.match(reasons, /missing required property "type"/);
  assert.match(reasons, /\/severity: must be <= 3/);
  assert.match(reasons, /empty payload/);
  assert.match(reasons, /\/command_type: must be one of "actions", "text"/);
  assert.match(reasons, /payload\/actions: must be array/);
  assert.match(reasons, /payload: missing required property "text"/);
  assert.match(reasons, /larger than the 262144 bytes accepted/);
  assert.ok(errors.every((e) => e.topic?.startsWith('butler/in/')));
  const metrics = await butler.api<string>('GET', '/api/metrics');
  assert.match(metrics.body, new RegExp(`butler_mqtt_messages_rejected_total ${garbage.length}`));
  // Still serving, and a good event still goes through.
  await client.publishAsync('butler/in/event', JSON.stringify({ type: 'doorbell', source: 'frontdoor', payload: { pressed: true } }), {
    qos: 1,
  });
  await until('the good event', () => messages<ButlerEvent>('butler/out/event').find((e) => e.type === 'doorbell'));
  const h = await butler.api<{ status: string }>('GET', '/api/health');
  assert.equal(h.body.status, 'ok');
});

test('invalid API bodies and missing auth get clear errors', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /must match exactly one schema in oneOf|missing required property/],
    [{ actions: 'turn it all on' }, /body\/actions: must be array/],
    [{ actions: [{ params: {} }] }, /body\/actions\/0: missing required property "action_type"/],
    [{ text: '' }, /body\/text: must NOT have fewer than 1 characters/],
    [{ text: 'hi', shout: true }, /unknown property "shout"/],
  ];
  for (const [body, re] of cases) {
    const r = await butler.api<{ error: string }>('POST', '/api/command', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.error, re);
  }
  const notJson = await butler.api<{ error: string }>('POST', '/api/command', '{"actions": [');
  assert.equal(notJson.status, 400);
  const noAuth = await fetch(`${butler.url}/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ actions: [{ action_type: 'system_exec', params: { command: 'id' } }] }),
  });
  assert.equal(noAuth.status, 401, 'the plan/act API needs auth (the original had none)');
  const fakeIngress = await fetch(`${butler.url}/api/entities`, { headers: { 'x-remote-user-id': 'x', 'x-remote-user-name': 'mallory' } });
  assert.equal(fakeIngress.status, 401, 'ingress headers are only believed from the Supervisor ingress address');
  const wrongToken = await fetch(`${butler.url}/api/entities`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrongToken.status, 401);
  const h = await butler.api<{ status: string }>('GET', '/api/health');
  assert.equal(h.body.status, 'ok');
});

test('GET /api/actions lists every action type with its schema and risk tier', async () => {
  const r = await butler.api<{ actions: { name: string; risk: string; params: { type: string } }[] }>('GET', '/api/actions');
  const byName = new Map(r.body.actions.map((a) => [a.name, a]));
  for (const name of [
    'ha_call_service',
    'device_turn_on',
    'device_turn_off',
    'device_toggle',
    'notify',
    'store_event',
    'schedule_task',
    'system_exec',
  ]) {
    assert.ok(byName.has(name), `${name} is listed`);
    assert.equal(byName.get(name)!.params.type, 'object');
  }
  assert.equal(byName.get('system_exec')!.risk, 'dangerous');
});

test('Home Assistant restarted under the butler: it reconnects, resyncs what changed, and serves again', async () => {
  await home.stop();
  await until('health to notice', async () =>
    (await butler.api<{ status: string }>('GET', '/api/health')).body.status === 'degraded' ? true : null,
  );
  const during = await butler.api<{ results: ActionResult[] }>('POST', '/api/command', {
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.ceiling_lights' } }],
  });
  assert.equal(during.body.results[0].status, 'error');
  assert.match(JSON.stringify(during.body.results[0].output), /not connected|Home Assistant/i);
  home.setState('switch.decorative_lights', 'off');
  await home.start();
  await until(
    'health ok again',
    async () => ((await butler.api<{ status: string }>('GET', '/api/health')).body.status === 'ok' ? true : null),
    30_000,
  );
  const synced = await until('the resync', async () => {
    const e = await butler.api<{ state: string }>('GET', '/api/entities/switch.decorative_lights');
    return e.body.state === 'off' ? e.body : null;
  });
  assert.equal(synced.state, 'off');
  const after = await butler.api<{ results: ActionResult[] }>('POST', '/api/command', {
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'switch.decorative_lights' } }],
  });
  assert.equal(after.body.results[0].status, 'ok', JSON.stringify(after.body.results));
  assert.equal(home.getState('switch.decorative_lights')?.state, 'on');
});

test('the API token survives a restart, and recorded history too', async () => {
  const tokenBefore = butler.token;
  const plansBefore = (await butler.api<{ plans: unknown[] }>('GET', '/api/plans?limit=1000')).body.plans.length;
  assert.equal(await butler.stop(), 0, 'a clean stop');
  butler = await spawnButler({
    dataDir: butler.dataDir,
    env: { BUTLER_MQTT_URL: broker.url, BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token },
  });
  assert.equal(butler.token, tokenBefore, 'the original regenerated its API key on every start');
  const plansAfter = (await butler.api<{ plans: unknown[] }>('GET', '/api/plans?limit=1000')).body.plans.length;
  assert.equal(plansAfter, plansBefore);
});

test('an outside event cannot pass itself off as Home Assistant: its source is prefixed by the channel', async () => {
  await client.publishAsync('butler/in/event', JSON.stringify({ type: 'spoof_check', source: 'ha', payload: {} }), { qos: 1 });
  const e = await until('the event', () => messages<ButlerEvent>('butler/out/event').find((x) => x.type === 'spoof_check'));
  assert.equal(e.source, 'mqtt:ha');
  const api = await butler.api<{ event_id: string }>('POST', '/api/events', { type: 'spoof_check_api', source: 'butler' });
  const stored = await butler.api<{ events: ButlerEvent[] }>('GET', '/api/events?type=spoof_check_api');
  assert.equal(stored.body.events[0].event_id, api.body.event_id);
  assert.equal(stored.body.events[0].source, 'api:butler');
});
