// A goal whose action step was being sent when the butler stopped: on the next start the step is `interrupted`, the
// goal stops there (failed, saying why), nothing is sent again, and waits that had not acted resume as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { startHomeAndCore, type HomeAndCore } from './helpers/core';
import type { Origin } from '../src/types';
import { until } from './helpers/wait';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };
let env: HomeAndCore;
let brain: BrainServices;
const calls: string[] = [];
// The unlock does not come back until the test is over (then its timer and promise go with it).
let release: () => void = () => undefined;
const gate = new Promise<void>((r) => (release = r));

before(async () => {
  env = await startHomeAndCore({ actionTimeoutMs: 600_000 });
  env.core.registry.register({
    name: 'test_slow_unlock',
    description: 'a sensitive action that takes its time',
    params: { type: 'object', properties: { door: { type: 'string' } }, additionalProperties: false },
    risk: 'sensitive',
    handler: async (p) => {
      calls.push(`unlock ${p.door}`);
      await gate;
      return { unlocked: p.door };
    },
  });
  env.core.registry.register({
    name: 'test_note',
    description: 'a quick safe action',
    params: { type: 'object', properties: {}, additionalProperties: false },
    risk: 'safe',
    handler: async () => {
      calls.push('note');
      return { noted: true };
    },
  });
  brain = await startBrainWith(env.brainDeps());
});

after(async () => {
  release();
  await brain.stop();
  await env.stop();
});

test('an action step in flight at a stop is interrupted on the next start, never sent again; the goal says so', async () => {
  // A trusted person's goal: the sensitive unlock is sent, and has not come back when the butler stops.
  const g = brain.goals.startSteps(
    'let the plumber in and note it',
    [
      { kind: 'action', action_type: 'test_note', params: {} },
      { kind: 'action', action_type: 'test_slow_unlock', params: { door: 'front' } },
      { kind: 'action', action_type: 'test_note', params: {} },
    ],
    admin,
  );
  await until('the second step to be running', () => brain.goals.get(g.goal_id)?.steps[1].status === 'running');
  const sent = [...calls];
  await brain.stop();
  assert.equal(brain.goals.get(g.goal_id)?.status, 'running', 'the store still says running, as after a crash');

  brain = await startBrainWith(env.brainDeps());
  const stopped = await until('the goal to stop', () => {
    const x = brain.goals.get(g.goal_id);
    return x && x.status !== 'running' ? x : null;
  });
  assert.equal(stopped.status, 'failed');
  assert.match(stopped.error ?? '', /^step 1 \(.*test_slow_unlock.*\) was interrupted by a stop and not repeated/);
  assert.deepEqual(
    stopped.steps.map((s) => s.status),
    ['ok', 'interrupted', 'cancelled'],
  );
  assert.match(JSON.stringify(stopped.steps[1].result), /"risk":"sensitive"/);
  assert.deepEqual(calls, sent, 'nothing was sent again, and the steps after it did not run');

  env.core.audit.flush();
  const events = env.core.audit.listEvents({ type: 'goal.step', limit: 50 }).filter((e) => e.payload.goal_id === g.goal_id);
  const interrupted = events.find((e) => e.payload.status === 'interrupted');
  assert.ok(interrupted, 'a goal.step event says the step was interrupted');
  assert.equal(interrupted.severity, 2, 'a sensitive action interrupted is a warning a person should see');
  assert.ok(
    env.core.audit.listEvents({ type: 'goal.failed', limit: 50 }).some((e) => e.payload.goal_id === g.goal_id),
    'and the goal announced it failed',
  );
});
