// Goals decomposed by the language model (the fake Messages API with the real SDK): the steps are checked before
// anything is stored, capped, run one by one through the door, stored and resumed like template goals; a model that
// returns invalid or dangerous steps gets nothing past the person. Without a usable answer the templates still work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { Planner } from '../src/brain/planner/planner';
import { InMemoryConversationStore } from '../src/brain/planner/conversations';
import { homeContext } from '../src/brain/planner/part';
import { ModelGoalPlanner, MAX_MODEL_STEPS } from '../src/brain/goals/model';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { UnprocessableError } from '../src/errors';
import { silentLogger } from '../src/log';
import type { Origin } from '../src/types';
import { startHomeAndCore, type HomeAndCore } from './helpers/core';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };
let env: HomeAndCore;
let llm: FakeAnthropic;
let planner: Planner;
let brain: BrainServices;

function addModelPlanner(b: BrainServices): void {
  b.goals.addPlanner(
    new ModelGoalPlanner({
      propose: (req, tool, instructions) => planner.propose(req, tool, instructions),
      checkSteps: (steps) => b.goals.checkSteps(steps),
    }),
    { first: true },
  );
}

const steps = (...s: unknown[]) => ({
  content: [{ type: 'tool_use' as const, name: 'propose_goal_steps', input: { steps: s } }],
  stop_reason: 'tool_use' as const,
});

before(async () => {
  env = await startHomeAndCore({ execAllowlist: ['/bin/echo pwned'] });
  llm = await startFakeAnthropic({ port: 0 });
  planner = new Planner({
    apiKey: 'sk-test',
    baseURL: llm.url,
    model: 'claude-sonnet-4-6',
    registry: env.core.registry,
    executor: env.core.door,
    home: (req) => homeContext({ ha: env.ha, modes: env.core.modes, memory: null }, req.text),
    conversations: new InMemoryConversationStore(),
    log: silentLogger(),
  });
  brain = await startBrainWith(env.brainDeps());
  addModelPlanner(brain);
});

after(async () => {
  await brain?.stop();
  planner?.close();
  await llm?.stop();
  await env?.stop();
});

test('the model’s steps run in order through the door; the goal says which planner made it', async () => {
  await env.ha.callService('light', 'turn_off', {}, { entity_id: 'light.bed_light' });
  llm.script(
    steps(
      { kind: 'action', action_type: 'device_turn_on', params: { device_id: 'light.bed_light' }, description: 'bed light on' },
      { kind: 'wait_state', entity_id: 'light.bed_light', state: 'on', timeout_s: 30 },
      { kind: 'action', action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 30 } },
    ),
  );
  const g = await brain.goals.start('get the bedroom ready for reading', admin);
  assert.equal(g.planner, 'llm');
  assert.equal(g.steps.length, 3);
  const body = llm.requests.at(-1) as { tool_choice: { name: string }; tools: { name: string }[] };
  assert.deepEqual(body.tool_choice, { type: 'tool', name: 'propose_goal_steps' });
  const done = await until('the goal finished', () => {
    const x = brain.goals.get(g.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(env.home.getState('light.bed_light')?.state, 'on');
  const plan = env.core.audit.getPlan(String((done.steps[0].result as { plan_id: string }).plan_id));
  assert.equal(plan?.plan.source, 'goal', 'each step went through the door as its own plan');
});

const settled = (id: string) =>
  until('the goal settled', () => {
    const x = brain.goals.get(id);
    return x && x.status !== 'running' ? x : null;
  });

function heldConfirmation(g: { steps: { status: string; result: unknown }[] }, idx: number): string {
  const held = g.steps[idx].result as { status: string; output: { confirmation_id: string; reason: string } };
  assert.equal(g.steps[idx].status, 'waiting', JSON.stringify(g.steps[idx]));
  assert.equal(held.status, 'pending_confirmation', JSON.stringify(held));
  assert.match(held.output.reason, /proposed by the model, not asked for/);
  return held.output.confirmation_id;
}

test('a sensitive step the model slips in pauses the goal; the person’s denial cancels it and nothing after it runs', async () => {
  await env.ha.callService('lock', 'lock', {}, { entity_id: 'lock.front_door' });
  await until('locked', () => env.home.getState('lock.front_door')?.state === 'locked');
  llm.script(
    steps(
      {
        kind: 'action',
        action_type: 'ha_call_service',
        params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
      },
      { kind: 'action', action_type: 'system_exec', params: { command: '/bin/echo', args: ['pwned'] } },
    ),
  );
  const g = await brain.goals.start('prepare a nice dinner', admin);
  const waiting = await settled(g.goal_id);
  assert.equal(waiting.status, 'waiting', JSON.stringify(waiting));
  const id = heldConfirmation(waiting, 0);
  assert.equal(waiting.steps[1].status, 'pending', 'the next step waits too');
  assert.deepEqual(
    brain.goals.list({ status: 'waiting' }).map((x) => x.goal_id),
    [g.goal_id],
    'listed as waiting',
  );
  await env.core.door.decide(id, false, 'admin');
  const done = await until('cancelled', () => {
    const x = brain.goals.get(g.goal_id);
    return x?.status === 'cancelled' ? x : null;
  });
  assert.equal(done.steps[0].status, 'failed');
  assert.match(String(done.error), /step 0 .*denied by admin/);
  assert.equal(done.steps[1].status, 'cancelled', 'nothing after it ran');
  assert.equal(env.home.getState('lock.front_door')?.state, 'locked');
});

test('approving the held step runs it and the goal goes on, also across a restart', async () => {
  await env.ha.callService('lock', 'lock', {}, { entity_id: 'lock.front_door' });
  await env.ha.callService('light', 'turn_off', {}, { entity_id: 'light.kitchen_lights' });
  await until('locked', () => env.home.getState('lock.front_door')?.state === 'locked');
  llm.script(
    steps(
      {
        kind: 'action',
        action_type: 'ha_call_service',
        params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
      },
      { kind: 'action', action_type: 'device_turn_on', params: { device_id: 'light.kitchen_lights' } },
    ),
  );
  const g = await brain.goals.start('let the cleaner in', admin);
  const waiting = await settled(g.goal_id);
  assert.equal(waiting.status, 'waiting', JSON.stringify(waiting));
  const id = heldConfirmation(waiting, 0);
  // the butler restarts while the goal waits: it still waits, and is not run again from the start
  await brain.stop();
  brain = await startBrainWith(env.brainDeps());
  addModelPlanner(brain);
  assert.equal(brain.goals.get(g.goal_id)?.status, 'waiting');
  assert.equal(env.home.getState('lock.front_door')?.state, 'locked', 'nothing ran before the approval');
  await env.core.door.decide(id, true, 'admin');
  const done = await until('done', () => {
    const x = brain.goals.get(g.goal_id);
    return x?.status === 'done' || x?.status === 'failed' ? x : null;
  });
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.deepEqual(
    done.steps.map((s) => s.status),
    ['ok', 'ok'],
  );
  await until('unlocked', () => env.home.getState('lock.front_door')?.state === 'unlocked');
  await until('light on', () => env.home.getState('light.kitchen_lights')?.state === 'on');
  await env.ha.callService('lock', 'lock', {}, { entity_id: 'lock.front_door' });
});

test('a held step denied while the goals were stopped settles the goal when they start again', async () => {
  llm.script(
    steps({
      kind: 'action',
      action_type: 'ha_call_service',
      params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
    }),
  );
  const g = await brain.goals.start('air out the hallway', admin);
  const waiting = await settled(g.goal_id);
  const id = heldConfirmation(waiting, 0);
  const planId = (waiting.steps[0].result as { plan_id: string }).plan_id;
  await brain.stop();
  await env.core.door.decide(id, false, 'admin');
  // the denial is on record (as it is once the butler has stopped) before the goals start again
  assert.ok(env.core.audit.getPlan(planId)?.results.some((r) => r.status === 'denied'));
  brain = await startBrainWith(env.brainDeps());
  addModelPlanner(brain);
  const after = brain.goals.get(g.goal_id);
  assert.equal(after?.status, 'cancelled', JSON.stringify(after));
  assert.match(String(after?.error), /denied by admin/);
});

test('a waiting goal can be cancelled; a later decision on its step changes nothing in the goal', async () => {
  llm.script(
    steps(
      {
        kind: 'action',
        action_type: 'ha_call_service',
        params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
      },
      { kind: 'wait_time', at: '00:00' },
    ),
  );
  const g = await brain.goals.start('open up for the plumber', admin);
  const id = heldConfirmation(await settled(g.goal_id), 0);
  const cancelled = brain.goals.cancel(g.goal_id, 'admin');
  assert.equal(cancelled.status, 'cancelled');
  assert.deepEqual(
    cancelled.steps.map((s) => s.status),
    ['cancelled', 'cancelled'],
  );
  await env.core.door.decide(id, false, 'admin');
  assert.equal(brain.goals.get(g.goal_id)?.status, 'cancelled');
});

test('invalid steps are refused before anything is stored, naming what was wrong', async () => {
  const before = brain.goals.list().length;
  const attempts: [unknown, RegExp][] = [
    [steps({ kind: 'action', action_type: 'rm_rf', params: {} }), /steps\/0: unknown action type "rm_rf"/],
    [steps({ kind: 'wait_state', entity_id: 'not an entity', state: 'on' }), /steps\/0\/entity_id: not an entity id/],
    [steps({ kind: 'teleport' }), /steps\/0\/kind/],
    [steps(...Array.from({ length: MAX_MODEL_STEPS + 1 }, () => ({ kind: 'wait_time', at: '00:00' }))), /at most 12/],
    [{ content: [{ type: 'text', text: 'I would rather chat.' }], stop_reason: 'end_turn' }, /did not call propose_goal_steps/],
  ];
  for (const [answer, why] of attempts) {
    llm.script(answer as Parameters<FakeAnthropic['script']>[0]);
    await assert.rejects(brain.goals.start('make the house feel cosy', admin), (err: Error) => {
      assert.ok(err instanceof UnprocessableError, err.message);
      assert.match(err.message, why);
      return true;
    });
  }
  assert.equal(brain.goals.list().length, before, 'nothing was stored');
});

test('when the model’s answer is unusable the offline templates still decompose what they know', async () => {
  llm.script(steps({ kind: 'action', action_type: 'rm_rf', params: {} }));
  const g = await brain.goals.start("I'm back", admin);
  assert.equal(g.planner, 'template');
});

test('a model-made goal is stored and resumes after a restart, with its steps still checked at the door', async () => {
  await env.ha.callService('light', 'turn_off', {}, { entity_id: 'light.ceiling_lights' });
  llm.script(
    steps(
      { kind: 'wait_state', entity_id: 'light.ceiling_lights', state: 'on', timeout_s: 600 },
      {
        kind: 'action',
        action_type: 'ha_call_service',
        params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
      },
    ),
  );
  const g = await brain.goals.start('when the ceiling light comes on, welcome me', admin);
  await until('waiting', () => brain.goals.get(g.goal_id)?.steps[0].status === 'waiting');
  await brain.stop();
  brain = await startBrainWith(env.brainDeps());
  addModelPlanner(brain);
  assert.equal(brain.goals.get(g.goal_id)?.status, 'running', 'resumed');
  await env.ha.callService('light', 'turn_on', {}, { entity_id: 'light.ceiling_lights' });
  const done = await until('the goal stopped', () => {
    const x = brain.goals.get(g.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(done.planner, 'llm');
  assert.equal(done.steps[0].status, 'ok');
  assert.equal((done.steps[1].result as { status: string }).status, 'pending_confirmation', 'the trust came back with the goal');
  assert.equal(env.home.getState('lock.front_door')?.state, 'locked');
});
