// The one door: validation, policy (risk tiers, trust, privacy, allowlists), confirmations, timeouts, the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoHome } from '../src/demo/home/server';
import type { HaConnection } from '../src/ha/connection';
import { buildCore, startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import { EventPolicies } from '../src/actions/event-policies';
import { loadConfig } from '../src/config/load';
import type { ActionPlan, Origin } from '../src/types';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };
const mqtt: Origin = { source: 'mqtt', trusted: false };
let home: DemoHome;
let ha: HaConnection;
let core: Core;
let env: HomeAndCore;

before(async () => {
  env = await startHomeAndCore({ execAllowlist: ['/bin/echo hello'] });
  ({ home, ha, core } = env);
});

after(() => env.stop());

test('a safe action from an untrusted source runs and changes the home; plan and results are recorded and linked', async () => {
  await ha.callService('light', 'turn_off', {}, { entity_id: 'light.kitchen_lights' });
  const out = await core.door.execute({
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.kitchen_lights' } }],
    origin: mqtt,
    reason: 'test',
  });
  assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0].output));
  assert.equal(home.getState('light.kitchen_lights')?.state, 'on');
  const stored = core.audit.getPlan(out.plan_id);
  assert.ok(stored);
  assert.equal(stored.plan.policy, 'allow');
  assert.deepEqual(
    stored.results.map((r) => r.status),
    ['ok'],
  );
});

test('device_* calls the service Home Assistant accepts for each domain, with the entity as target', async () => {
  const out = await core.door.execute({
    actions: [
      { action_type: 'device_turn_off', params: { device_id: 'cover.kitchen_window' } },
      { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 40 } },
      { action_type: 'set_temperature', params: { device_id: 'climate.ecobee', temperature: 21 } },
    ],
    origin: admin,
  });
  assert.deepEqual(
    out.results.map((r) => r.status),
    ['ok', 'ok', 'ok'],
    JSON.stringify(out.results),
  );
  assert.equal(home.getState('cover.kitchen_window')?.state, 'closed');
  assert.equal(home.getState('light.bed_light')?.attributes.brightness, Math.round((40 / 100) * 255));
  const calls = home.serviceCalls.slice(-3).map((c) => `${c.domain}.${c.service}`);
  assert.deepEqual(calls, ['cover.close_cover', 'light.turn_on', 'climate.set_temperature']);
});

test('unlocking from an untrusted source waits for a trusted person; the lock stays locked until approved', async () => {
  await ha.callService('lock', 'lock', {}, { entity_id: 'lock.front_door' });
  const out = await core.door.execute({
    actions: [{ action_type: 'ha_call_service', params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } } }],
    origin: mqtt,
  });
  assert.equal(out.results[0].status, 'pending_confirmation');
  assert.equal(out.policy, 'confirm');
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
  const id = (out.results[0].output as { confirmation_id: string }).confirmation_id;
  assert.equal(core.confirmations.get(id)?.status, 'pending');
  const decided = await core.door.decide(id, true, 'admin');
  assert.equal(decided.result?.status, 'ok', JSON.stringify(decided.result?.output));
  assert.equal(home.getState('lock.front_door')?.state, 'unlocked');
  await assert.rejects(core.door.decide(id, true, 'admin'), /already approved/);
  // Both results are under the same plan: pending first, then the approved run.
  assert.deepEqual(
    core.audit.getPlan(out.plan_id)!.results.map((r) => r.status),
    ['pending_confirmation', 'ok'],
  );
});

test('a denied confirmation never runs', async () => {
  await ha.callService('lock', 'lock', {}, { entity_id: 'lock.kitchen_door' });
  const out = await core.door.execute({
    actions: [{ action_type: 'device_turn_off', params: { device_id: 'lock.kitchen_door' } }],
    origin: mqtt,
  });
  assert.equal(out.results[0].status, 'pending_confirmation', 'device_turn_off on a lock is an unlock: sensitive');
  const id = (out.results[0].output as { confirmation_id: string }).confirmation_id;
  const decided = await core.door.decide(id, false, 'admin');
  assert.equal(decided.result?.status, 'denied');
  assert.equal(home.getState('lock.kitchen_door')?.state, 'locked');
});

test('plans derived from untrusted text need confirmation even when a trusted user relays them', async () => {
  const out = await core.door.execute({
    actions: [{ action_type: 'ha_call_service', params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } } }],
    origin: { ...admin, untrusted_input: true },
  });
  assert.equal(out.results[0].status, 'pending_confirmation');
});

test('system_exec: empty or non-matching allowlist denies; exact argv runs without a shell', async () => {
  const denied = await core.door.execute({
    actions: [{ action_type: 'system_exec', params: { command: '/bin/sh', args: ['-c', 'echo pwned'] } }],
    origin: admin,
  });
  assert.equal(denied.results[0].status, 'denied');
  assert.match(JSON.stringify(denied.results[0].output), /not in exec_allowlist/);
  const ok = await core.door.execute({
    actions: [{ action_type: 'system_exec', params: { command: '/bin/echo', args: ['hello'] } }],
    origin: admin,
  });
  assert.equal(ok.results[0].status, 'ok');
  assert.equal((ok.results[0].output as { stdout: string }).stdout, 'hello\n');
  const untrusted = await core.door.execute({
    actions: [{ action_type: 'system_exec', params: { command: '/bin/echo', args: ['hello'] } }],
    origin: mqtt,
  });
  assert.equal(untrusted.results[0].status, 'pending_confirmation');

  const empty = buildCore({ ha, execAllowlist: [] });
  try {
    const r = await empty.door.execute({
      actions: [{ action_type: 'system_exec', params: { command: '/bin/echo', args: ['hello'] } }],
      origin: admin,
    });
    assert.equal(r.results[0].status, 'denied', 'an empty allowlist allows nothing (the original allowed everything)');
  } finally {
    empty.close();
  }
});

test('privacy mode blocks camera recording from every source, the API included', async () => {
  core.modes.setPrivacy(true);
  try {
    const out = await core.door.execute({ actions: [{ action_type: 'store_event', params: { kind: 'record' } }], origin: admin });
    assert.equal(out.results[0].status, 'denied');
    assert.match(JSON.stringify(out.results[0].output), /privacy mode/);
    const off = await core.door.execute({ actions: [{ action_type: 'set_privacy', params: { enabled: false } }], origin: mqtt });
    assert.equal(off.results[0].status, 'pending_confirmation', 'turning privacy off from an untrusted source needs approval');
  } finally {
    core.modes.setPrivacy(false);
  }
});

test('invalid params, unknown actions and over-long plans are refused with reasons; the rest still runs', async () => {
  const out = await core.door.execute({
    actions: [
      { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 400 } },
      { action_type: 'launch_rockets', params: {} },
      { action_type: 'device_turn_on', params: { device_id: 'light.bed_light', colour: 'red' } },
      { action_type: 'device_turn_on', params: { device_id: 'light.bed_light' } },
    ],
    origin: admin,
  });
  assert.deepEqual(
    out.results.map((r) => r.status),
    ['error', 'error', 'error', 'ok'],
  );
  assert.match(JSON.stringify(out.results[0].output), /\/brightness: must be <= 100/);
  const errorOf = (i: number) => (out.results[i].output as { error: string }).error;
  assert.equal(errorOf(1), 'unknown action type "launch_rockets"');
  assert.match(errorOf(2), /unknown property "colour"/);
  assert.equal(out.policy, 'partial');
  const long = await core.door.execute({
    actions: Array.from({ length: 22 }, () => ({ action_type: 'list_tasks', params: {} })),
    origin: admin,
  });
  assert.equal(long.results.filter((r) => r.status === 'ok').length, 20);
  assert.match(JSON.stringify(long.results[21].output), /plan too long/);
});

test('Home Assistant errors become clear results: unknown entity, unknown service, validation error', async () => {
  const out = await core.door.execute({
    actions: [
      { action_type: 'device_turn_on', params: { device_id: 'light.does_not_exist' } },
      { action_type: 'ha_call_service', params: { domain: 'light', service: 'fly' } },
      { action_type: 'device_turn_on', params: { device_id: 'sensor.outside_temperature' } },
    ],
    origin: admin,
  });
  assert.deepEqual(
    out.results.map((r) => r.status),
    ['error', 'error', 'error'],
  );
  assert.match(JSON.stringify(out.results[0].output), /unknown entity light\.does_not_exist/);
  assert.match(JSON.stringify(out.results[1].output), /light\.fly/);
  assert.match(JSON.stringify(out.results[2].output), /domain \\"sensor\\" has no such service/);
});

test('a handler that hangs is cut off by its timeout and recorded as an error', async () => {
  core.registry.register({
    name: 'test_hang',
    description: 'never finishes',
    risk: 'safe',
    params: { type: 'object', properties: {} },
    timeoutMs: 50,
    handler: (_p, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
  });
  const out = await core.door.execute({ actions: [{ action_type: 'test_hang', params: {} }], origin: admin });
  assert.equal(out.results[0].status, 'error');
  assert.match(JSON.stringify(out.results[0].output), /did not finish within 50 ms/);
});

test('scheduled tasks are persisted and run after a restart', async () => {
  const dir = core.dir;
  const first = buildCore({ ha, dir: `${dir}-sched` });
  const out = await first.door.execute({
    actions: [
      {
        action_type: 'schedule_task',
        params: {
          name: 'later',
          delay_sec: 0.2,
          actions: [{ action_type: 'device_turn_off', params: { device_id: 'light.ceiling_lights' } }],
        },
      },
    ],
    origin: admin,
  });
  assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0].output));
  first.close(); // "restart" before it is due
  await ha.callService('light', 'turn_on', {}, { entity_id: 'light.ceiling_lights' });
  const second = buildCore({ ha, dir: `${dir}-sched` });
  second.scheduler.start(second.door);
  try {
    for (let i = 0; i < 100 && home.getState('light.ceiling_lights')?.state !== 'off'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(home.getState('light.ceiling_lights')?.state, 'off');
    for (let i = 0; i < 50 && second.scheduler.list('done').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [task] = second.scheduler.list('done');
    assert.equal(task.name, 'later');
    assert.ok(task.plan_id);
  } finally {
    second.close();
  }
});

test('whatever a handler throws (an Error, a string, an object, a crash inside) becomes an error result, never a crash', async () => {
  const throwers: [string, () => Promise<unknown>][] = [
    [
      'test_throw_string',
      async () => {
        throw 'plain string';
      },
    ],
    [
      'test_throw_object',
      async () => {
        throw { weird: true };
      },
    ],
    ['test_throw_type', async () => (undefined as unknown as { x: () => void }).x()],
    [
      'test_throw_sync',
      () => {
        throw new RangeError('sync throw');
      },
    ],
  ];
  for (const [name, fn] of throwers) {
    core.registry.register({ name, description: 'fails', risk: 'safe', params: { type: 'object', properties: {} }, handler: fn });
  }
  const out = await core.door.execute({ actions: throwers.map(([name]) => ({ action_type: name, params: {} })), origin: admin });
  assert.deepEqual(
    out.results.map((r) => r.status),
    ['error', 'error', 'error', 'error'],
  );
  const errors = out.results.map((r) => (r.output as { error: string }).error);
  assert.equal(errors[0], 'plain string');
  assert.equal(errors[1], '{"weird":true}');
  assert.match(errors[2], /Cannot read properties of undefined/);
  assert.equal(errors[3], 'sync throw');
});

test("notify really reaches Home Assistant (the original's notify was a canned stub)", async () => {
  const before = home.notifications.length;
  const out = await core.door.execute({
    actions: [{ action_type: 'notify', params: { title: 'Butler', message: 'The laundry is done.' } }],
    origin: admin,
  });
  assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0].output));
  assert.equal(home.notifications.length, before + 1);
  assert.equal(home.notifications.at(-1)?.message, 'The laundry is done.');
  assert.equal(home.notifications.at(-1)?.service, 'persistent_notification.create');
});

test('the arrival policy notifies once per cooldown; repeated entry events while away raise an intrusion alert', async () => {
  const options = {
    ...loadConfig({ BUTLER_DATA_DIR: core.dir }).options,
    arrival_cooldown_s: 300,
    intrusion_window_s: 120,
    intrusion_threshold: 3,
  };
  const policies = new EventPolicies();
  policies.start({ bus: core.bus, door: core.door, modes: core.modes, options });
  try {
    const before = home.notifications.length;
    const t = Date.now() / 1000;
    // The policy decides as an event is accepted, and the door records (and announces) a plan the moment it is asked
    // to act: once accept() returns, whatever the event was going to run is on this list.
    const acted: ActionPlan[] = [];
    core.bus.on('plan', (p) => acted.push(p), 'arrival-probe');
    const first = core.ingest.accept({ type: 'person_detected', ts: t, payload: { zone: 'entry', person: 'Anna' } }, 'camera');
    const second = core.ingest.accept({ type: 'person_detected', ts: t + 10, payload: { zone: 'entry', person: 'Anna' } }, 'camera');
    const arrivals = () => acted.filter((p) => p.reason.startsWith('R1_arrival')).map((p) => p.triggered_by_event_id);
    assert.deepEqual(arrivals(), [first.event_id], `one arrival notice within the cooldown (not for ${second.event_id})`);
    await until('the arrival notice', () => home.notifications.length >= before + 1);
    assert.equal(home.notifications.length, before + 1, 'one arrival notice within the cooldown');
    assert.match(home.notifications.at(-1)!.message, /Anna is at the entry/);
    core.modes.setMode('away');
    for (let i = 0; i < 3; i++) core.ingest.accept({ type: 'person_detected', ts: t + 20 + i, payload: { zone: 'entry' } }, 'camera');
    assert.deepEqual(arrivals(), [first.event_id], 'no arrival notice while away');
    await until('the intrusion alert', () => home.notifications.length >= before + 2);
    assert.match(home.notifications.at(-1)!.title ?? '', /intrusion/i);
    // The plan notifies first and records second: the notice can arrive before the record is stored.
    const recorded = await until('the intrusion record', () => {
      const r = core.audit.listEvents({ type: 'stored.record' });
      return r.length ? r : null;
    });
    assert.equal(recorded.length, 1, 'the intrusion was recorded');
  } finally {
    core.bus.removeOwner('arrival-probe');
    policies.stop();
    core.modes.setMode('home');
  }
});

test('a task interrupted mid-run by a restart is reported, not run twice', async () => {
  const c = buildCore({ ha });
  try {
    // Already due: a scheduler that ran it again would do so as soon as it starts.
    const t = c.scheduler.schedule({
      name: 'half done',
      run_at: Date.now() / 1000 - 60,
      actions: [{ action_type: 'list_tasks', params: {} }],
      origin: admin,
    });
    c.db.sqlite.prepare("UPDATE scheduled_tasks SET status = 'running' WHERE task_id = ?").run(t.task_id);
    c.scheduler.start(c.door);
    // Due after the interrupted one: once it has run, the scheduler has been through every task due before it.
    const sentinel = c.scheduler.schedule({
      name: 'sentinel',
      run_at: Date.now() / 1000 - 1,
      actions: [{ action_type: 'list_tasks', params: {} }],
      origin: admin,
    });
    await until('the sentinel task to run', () => c.scheduler.list('done').some((x) => x.task_id === sentinel.task_id));
    const reasons = c.audit.listPlans({ limit: 100 }).map((p) => p.reason);
    assert.ok(reasons.includes('scheduled task sentinel'), JSON.stringify(reasons));
    assert.ok(!reasons.includes('scheduled task half done'), `the interrupted task ran again: ${JSON.stringify(reasons)}`);
    const [failed] = c.scheduler.list('failed');
    assert.equal(failed?.task_id, t.task_id);
    assert.match(failed.last_error ?? '', /interrupted by a restart/);
    assert.equal(failed.plan_id, null);
  } finally {
    c.close();
  }
});

test("list_devices filters by domain and by area, named or by id, with each entity's area resolved through its device", async () => {
  const byName = await core.door.execute({
    actions: [{ action_type: 'list_devices', params: { domain: 'light', area: 'Kitchen' } }],
    origin: admin,
  });
  const byId = await core.door.execute({
    actions: [{ action_type: 'list_devices', params: { domain: 'light', area: 'kitchen' } }],
    origin: admin,
  });
  const names = (r: typeof byName) => (r.results[0].output as { devices: { entity_id: string; area: string }[] }).devices;
  assert.ok(names(byName).some((d) => d.entity_id === 'light.kitchen_lights'));
  assert.ok(names(byName).every((d) => d.area === 'Kitchen' && d.entity_id.startsWith('light.')));
  assert.deepEqual(names(byId), names(byName));
});
