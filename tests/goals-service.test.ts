// Goals on the real core and the demo home: templates (English and Chinese), steps and waits, events, persistence, resume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { HaConnection } from '../src/ha/connection';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { InvalidError, UnprocessableError } from '../src/errors';
import { deadlineOf, TemplateGoalPlanner } from '../src/brain/goals/planner';
import { startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import type { Origin } from '../src/types';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };

let ha: HaConnection;
let core: Core;
let brain: BrainServices;

let env: HomeAndCore;

before(async () => {
  env = await startHomeAndCore();
  ({ ha, core } = env);
  brain = await startBrainWith(env.brainDeps());
});

after(async () => {
  await brain.stop();
  await env.stop();
});

test('templates understand English and Chinese; deadlines are read', async () => {
  const p = new TemplateGoalPlanner();
  const h = { getState: (id: string) => ha.getState(id), mode: 'home' as const, scenes: ['home', 'away', 'sleep'] };
  for (const [text, scene] of [
    ['good night', 'sleep'],
    ['晚安', 'sleep'],
    ["I'm leaving home", 'away'],
    ['我出门了', 'away'],
    ["I'm back", 'home'],
    ['我回来了', 'home'],
  ]) {
    const steps = await p.decompose(text, h);
    assert.ok(steps, text);
    assert.equal(steps[0].kind === 'action' && steps[0].params.scene_id, scene, text);
  }
  assert.equal(await p.decompose('make me a sandwich', h), null);
  assert.equal(deadlineOf('get the house ready for guests by 7 pm'), '19:00');
  assert.equal(deadlineOf('晚上7点前准备好迎接客人'), '19:00');
});

test('"good night" runs the sleep scene, waits for the lock, emits goal.* events and is persisted as done', async () => {
  await ha.callService('lock', 'unlock', {}, { entity_id: 'lock.front_door' });
  await until('unlocked', () => ha.getState('lock.front_door')?.state === 'unlocked');
  const g = await brain.goals.start('good night', admin);
  assert.equal(g.status, 'running');
  assert.deepEqual(
    g.steps.map((s) => s.step.kind),
    ['action', 'wait_state'],
  );
  const done = await until('goal done', () => {
    const x = brain.goals.get(g.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.deepEqual(
    done.steps.map((s) => s.status),
    ['ok', 'ok'],
  );
  assert.equal(core.modes.mode, 'night');
  core.audit.flush();
  const types = core.audit
    .listEvents({ limit: 200 })
    .filter((e) => e.payload.goal_id === g.goal_id)
    .map((e) => e.type)
    .sort();
  assert.deepEqual(types, ['goal.done', 'goal.started', 'goal.step', 'goal.step']);
  const plans = core.audit.listPlans({ event_id: g.event_id!, limit: 10 });
  assert.equal(plans.length, 1);
  assert.equal(plans[0].source, 'goal');
});

test('a goal whose step fails is failed with the reason; bad steps and unknown text are refused', async () => {
  const g = brain.goals.startSteps(
    'broken',
    [
      { kind: 'action', action_type: 'device_turn_on', params: { device_id: 'light.nowhere' } },
      { kind: 'action', action_type: 'set_mode', params: { mode: 'home' } },
    ],
    admin,
  );
  const done = await until('goal finished', () => {
    const x = brain.goals.get(g.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(done.status, 'failed');
  assert.match(done.error ?? '', /step 0.*unknown entity light.nowhere/);
  assert.deepEqual(
    done.steps.map((s) => s.status),
    ['failed', 'cancelled'],
  );
  assert.throws(
    () =>
      brain.goals.startSteps(
        'x',
        [
          { kind: 'action', action_type: 'fly', params: {} },
          { kind: 'wait_time', at: 'teatime' },
        ],
        admin,
      ),
    (e: InvalidError) => {
      assert.ok(e instanceof InvalidError && e.details);
      assert.match(e.details.join('\n'), /steps\/0: unknown action type "fly"/);
      assert.match(e.details.join('\n'), /steps\/1\/at: "teatime"/);
      return true;
    },
  );
  await assert.rejects(brain.goals.start('make me a sandwich', admin), UnprocessableError);
  await assert.rejects(brain.goals.start('   ', admin), UnprocessableError);
});

test('a waiting goal resumes after a restart and can be cancelled; execute_goal and get_goals work through the door', async () => {
  await ha.callService('lock', 'unlock', {}, { entity_id: 'lock.kitchen_door' });
  await until('kitchen door unlocked', () => ha.getState('lock.kitchen_door')?.state === 'unlocked');
  const locked = brain.goals.startSteps(
    'note when the kitchen door is locked',
    [
      { kind: 'wait_state', entity_id: 'lock.kitchen_door', state: 'locked' },
      { kind: 'action', action_type: 'store_event', params: { kind: 'kitchen_locked' } },
    ],
    admin,
  );
  const future = new Date(Date.now() + 3600_000).toISOString();
  const g = brain.goals.startSteps(
    'later',
    [
      { kind: 'wait_time', at: future },
      { kind: 'action', action_type: 'set_mode', params: { mode: 'home' } },
    ],
    admin,
  );
  await until('both waiting', () => [locked, g].every((x) => brain.goals.get(x.goal_id)?.steps[0].status === 'waiting'));
  await brain.stop();
  assert.equal(brain.goals.get(locked.goal_id)?.status, 'running', 'stopping keeps the goal for the next start');
  assert.equal(brain.goals.get(g.goal_id)?.status, 'running', 'stopping keeps the goal for the next start');
  brain = await startBrainWith(env.brainDeps());
  // The stored rows still say "waiting" whether or not anything resumed them: only a resumed run sees the lock and
  // carries the goal on to its next step.
  await ha.callService('lock', 'lock', {}, { entity_id: 'lock.kitchen_door' });
  const resumed = await until('the resumed goal to finish', () => {
    const x = brain.goals.get(locked.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(resumed.status, 'done', JSON.stringify(resumed));
  assert.deepEqual(
    resumed.steps.map((s) => s.status),
    ['ok', 'ok'],
  );
  core.audit.flush();
  assert.ok(
    core.audit.listEvents({ type: 'goal.done', limit: 50 }).some((e) => e.payload.goal_id === locked.goal_id),
    'the resumed goal announced goal.done',
  );

  assert.equal(brain.goals.get(g.goal_id)?.steps[0].status, 'waiting');
  const cancelled = brain.goals.cancel(g.goal_id, 'admin');
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.error, 'cancelled by admin');

  const out = await core.door.execute({ actions: [{ action_type: 'execute_goal', params: { text: '我回来了' } }], origin: admin });
  assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0].output));
  const id = (out.results[0].output as { goal_id: string }).goal_id;
  const fin = await until('goal finished', () => (brain.goals.get(id)?.status !== 'running' ? brain.goals.get(id) : null));
  assert.equal(fin?.status, 'done', JSON.stringify(fin));
  const listed = await core.door.execute({ actions: [{ action_type: 'get_goals', params: { status: 'done' } }], origin: admin });
  assert.ok((listed.results[0].output as { goals: { goal_id: string }[] }).goals.some((x) => x.goal_id === id));
});
