// Rules, scenes and goals through the whole butler's API, acting on a demo home the test can poke.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { until } from './helpers/wait';
import type { TimelineEntry } from '../src/store/audit';

let broker: TestBroker;
let home: DemoHome;
let butler: ButlerProcess;
const token = randomBytes(12).toString('hex');

before(async () => {
  broker = await startMosquitto();
  home = await startDemoHome({ port: 0, token });
  butler = await spawnButler({ env: { BUTLER_MQTT_URL: broker.url, BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token } });
});

after(async () => {
  await butler?.stop();
  await home?.stop();
  await broker?.stop();
});

test('a rule saved through the API reacts to a Home Assistant state change, and the run is linked in the timeline', async () => {
  const rule = {
    id: 'backyard_motion_light',
    name: 'Backyard motion turns on the entrance light',
    triggers: [{ kind: 'state', entity_id: 'binary_sensor.movement_backyard', to: 'on' }],
    conditions: [{ kind: 'mode', mode: ['home', 'night'] }],
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.entrance_color_white_lights' } }],
  };
  const created = await butler.api('POST', '/api/rules', rule);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  home.setState('light.entrance_color_white_lights', 'off');
  home.setState('binary_sensor.movement_backyard', 'off');
  home.setState('binary_sensor.movement_backyard', 'on');
  await until('the light', () => home.getState('light.entrance_color_white_lights')?.state === 'on');
  const tl = await butler.api<{ timeline: TimelineEntry[] }>('GET', '/api/timeline?limit=50');
  const chain = tl.body.timeline.find(
    (t) => t.event?.type === 'ha.state_changed' && t.plans.some((p) => p.plan.reason.includes('backyard_motion_light')),
  );
  assert.ok(chain, 'the state change, the rule plan and its result are one chain');
  assert.equal(chain.plans[0].results[0].status, 'ok');
  const del = await butler.api('DELETE', '/api/rules/backyard_motion_light');
  assert.equal(del.status, 200);
  // Another rule on the same trigger: the engine hands one change to every rule watching it at once, and the door
  // records a plan as it is asked to act, so once this rule's plan is there the deleted rule's would be too.
  const sentinel = await butler.api('POST', '/api/rules', {
    id: 'backyard_motion_noted',
    name: 'Backyard motion is noted',
    triggers: [{ kind: 'state', entity_id: 'binary_sensor.movement_backyard', to: 'on' }],
    actions: [{ action_type: 'store_event', params: { kind: 'backyard_motion' } }],
  });
  assert.equal(sentinel.status, 201, JSON.stringify(sentinel.body));
  const plans = async () => (await butler.api<{ plans: { reason: string }[] }>('GET', '/api/plans?limit=200')).body.plans;
  const before = (await plans()).filter((p) => p.reason.startsWith('rule backyard_motion_light:')).length;
  home.setState('light.entrance_color_white_lights', 'off');
  home.setState('binary_sensor.movement_backyard', 'off');
  home.setState('binary_sensor.movement_backyard', 'on');
  const seen = await until('the other rule to act on the same change', async () => {
    const all = await plans();
    return all.some((p) => p.reason.startsWith('rule backyard_motion_noted:')) ? all : null;
  });
  assert.equal(seen.filter((p) => p.reason.startsWith('rule backyard_motion_light:')).length, before, 'a removed rule no longer runs');
  assert.equal(home.getState('light.entrance_color_white_lights')?.state, 'off', 'a removed rule no longer runs');
  assert.equal((await butler.api('DELETE', '/api/rules/backyard_motion_noted')).status, 200);
});

test('broken rules are refused with errors that point at the field, and a bad import applies nothing', async () => {
  const schema = await butler.api<{ type: string }>('GET', '/api/schemas/rule');
  assert.equal(schema.status, 200);
  const badTrigger = await butler.api<{ error: string; details: string[] }>('POST', '/api/rules', {
    id: 'bad',
    name: 'bad',
    triggers: [{ kind: 'sunrise' }],
    actions: [],
  });
  assert.equal(badTrigger.status, 400);
  assert.match(JSON.stringify(badTrigger.body), /triggers\/0\/kind: must be one of/);
  const badActions = await butler.api<{ error: string; details: string[] }>('POST', '/api/rules', {
    id: 'bad',
    name: 'bad',
    triggers: [{ kind: 'event', type: 'doorbell' }],
    actions: [
      { action_type: 'launch_rockets' },
      { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 900 } },
    ],
  });
  assert.equal(badActions.status, 400);
  const text = JSON.stringify(badActions.body);
  assert.match(text, /launch_rockets/);
  assert.match(text, /brightness/);
  const before = (await butler.api<{ rules: unknown[] }>('GET', '/api/rules')).body.rules.length;
  const yaml =
    'rules:\n  - id: good_one\n    name: ok\n    triggers: [{kind: event, type: doorbell}]\n    actions: [{action_type: notify, params: {message: ding}}]\n  - id: broken\n    name: broken\n    triggers: [{kind: cron, cron: "not a cron"}]\n    actions: [{action_type: notify, params: {message: x}}]\n';
  const imported = await butler.api<{ error: string }>('POST', '/api/rules/import', { document: yaml });
  assert.equal(imported.status, 400, JSON.stringify(imported.body));
  assert.match(JSON.stringify(imported.body), /cron/);
  const after = (await butler.api<{ rules: unknown[] }>('GET', '/api/rules')).body.rules.length;
  assert.equal(after, before, 'all or nothing');
  const garbage = await butler.api<{ error: string }>('POST', '/api/rules/import', { document: 'rules: [: : :' });
  assert.equal(garbage.status, 400);
  assert.equal((await butler.api<{ status: string }>('GET', '/api/health')).body.status, 'ok');
});

test('scene presets really work on the demo home, and a scene result names the actions that failed', async () => {
  const list = await butler.api<{ scenes: { id: string }[] }>('GET', '/api/scenes');
  for (const id of ['home', 'away', 'sleep', 'movie', 'wake'])
    assert.ok(
      list.body.scenes.some((s) => s.id === id),
      `preset ${id}`,
    );
  for (const id of ['home', 'away', 'sleep', 'movie', 'wake']) {
    const r = await butler.api<{ ok: boolean; failed: unknown[] }>('POST', `/api/scenes/${id}/activate`);
    assert.equal(r.status, 200, `${id}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.ok, true, `${id}: ${JSON.stringify(r.body)}`);
  }
  const unknown = await butler.api<{ error: string }>('POST', '/api/scenes', {
    id: 'party',
    name: 'Party',
    actions: [{ action_type: 'strobe_lights', params: {} }],
  });
  assert.equal(unknown.status, 400, 'a scene naming an action that does not exist is refused when saved');
  assert.match(unknown.body.error, /strobe_lights/);
  const created = await butler.api('POST', '/api/scenes', {
    id: 'half_broken',
    name: 'Half broken',
    actions: [
      { action_type: 'device_turn_on', params: { device_id: 'light.bed_light' } },
      { action_type: 'device_turn_on', params: { device_id: 'light.no_such_light' } },
    ],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const run = await butler.api<{
    ok: boolean;
    failed: number;
    results: { action_type: string; status: string; output: { error?: string } }[];
  }>('POST', '/api/scenes/half_broken/activate');
  assert.equal(run.body.ok, false, 'a failure is not counted as success');
  assert.equal(run.body.failed, 1);
  assert.deepEqual(
    run.body.results.map((r) => r.status),
    ['ok', 'error'],
  );
  assert.match(run.body.results[1].output.error ?? '', /light\.no_such_light/);
});

test('goals: "good night" is decomposed offline, runs its steps, and is visible through the API', async () => {
  const started = await butler.api<{ goal_id: string }>('POST', '/api/goals', { text: 'good night' });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const done = await until(
    'the goal to finish',
    async () => {
      const g = await butler.api<{ status: string; steps: { status: string }[] }>('GET', `/api/goals/${started.body.goal_id}`);
      return g.body.status === 'done' || g.body.status === 'failed' ? g.body : null;
    },
    20_000,
  );
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.ok(done.steps.length > 0);
  const nonsense = await butler.api('POST', '/api/goals', { text: 'xyzzy plugh' });
  assert.equal(nonsense.status, 422);
});

test('"good night" said to the butler runs the sleep scene: doors locked, mode night', async () => {
  home.setState('lock.front_door', 'unlocked');
  const r = await butler.api<{ answered_by: string; results: { action_type: string; status: string }[] }>('POST', '/api/command', {
    text: 'good night',
  });
  assert.equal(r.body.answered_by, 'offline');
  assert.equal(r.body.results[0].action_type, 'activate_scene');
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
  assert.equal((await butler.api<{ mode: string }>('GET', '/api/mode')).body.mode, 'night');
});
