// Exactly-once effects across a crash: an action that was being sent when the butler stopped is reported
// `interrupted` on the next start (in its plan in the timeline, with an action.interrupted event) and never run again,
// sensitive ones included; an action whose start cannot be recorded is not sent at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCore, CorePart, type Core } from '../src/core/core';
import { silentLogger } from '../src/log';
import { until } from './helpers/wait';

function withActions(core: Core, calls: string[], gate: Promise<void>): void {
  core.registry.register({
    name: 'test_unlock',
    description: 'a sensitive action that takes a while',
    params: { type: 'object', properties: { door: { type: 'string' } }, additionalProperties: false },
    risk: 'sensitive',
    handler: async (p) => {
      calls.push(`unlock ${p.door}`);
      await gate;
      return { unlocked: p.door };
    },
  });
  core.registry.register({
    name: 'test_light',
    description: 'a quick safe action',
    params: { type: 'object', properties: {}, additionalProperties: false },
    risk: 'safe',
    handler: async () => {
      calls.push('light');
      return { on: true };
    },
  });
}

test('an action in flight when the butler dies is interrupted on restart, never repeated', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'butler-interrupted-'));
  const calls: string[] = [];
  const first = buildCore({ dataDir: dir, actionTimeoutMs: 60_000 });
  withActions(first, calls, new Promise(() => undefined));
  const origin = { source: 'api', trusted: true, user: 'tester' };
  const done = await first.door.execute({ actions: [{ action_type: 'test_light', params: {} }], origin });
  assert.equal(done.results[0].status, 'ok');
  await first.audit.committed(); // the light's result is written: it finished before the crash
  void first.door.execute({ actions: [{ action_type: 'test_unlock', params: { door: 'front' } }], origin });
  await until('the unlock to be sent', () => calls.includes('unlock front'));
  // The crash: the process goes away with the unlock in flight (nothing flushed, nothing closed in order).
  first.db.sqlite.close();

  const calls2: string[] = [];
  const second = buildCore({ dataDir: dir });
  withActions(second, calls2, Promise.resolve());
  const part = new CorePart(second, { retentionDays: 30 }, silentLogger());
  part.start();
  const interrupted = second.audit.listResults({ status: 'interrupted' });
  assert.equal(interrupted.length, 1, 'exactly the action in flight');
  assert.equal(interrupted[0].action_type, 'test_unlock');
  assert.equal((interrupted[0].output as { risk: string }).risk, 'sensitive');
  assert.deepEqual(calls2, [], 'nothing is run again by itself');
  // Visible in the timeline under its plan, and as an event.
  const chain = second.audit.timeline().find((c) => c.plans.some((p) => p.plan.actions[0].action_type === 'test_unlock'));
  assert.ok(chain, 'the plan is in the timeline (committed with the intent)');
  assert.deepEqual(
    chain.plans[0].results.map((r) => r.status),
    ['interrupted'],
  );
  assert.equal(second.audit.listEvents({ type: 'action.interrupted' }).length, 1);
  // The finished light is not reported, and a second restart reports nothing new.
  assert.ok(!interrupted.some((r) => r.action_type === 'test_light'));
  part.stop();
  const third = buildCore({ dataDir: dir });
  const part3 = new CorePart(third, { retentionDays: 30 }, silentLogger());
  part3.start();
  assert.equal(third.audit.listResults({ status: 'interrupted' }).length, 1, 'reported once');
  part3.stop();
});

test('an action whose start cannot be recorded is not sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'butler-interrupted-'));
  const calls: string[] = [];
  const core = buildCore({ dataDir: dir });
  withActions(core, calls, Promise.resolve());
  core.db.sqlite.pragma('query_only = ON');
  // The database stops taking writes (a full disk, a read-only file): the batch that finds out is not acknowledged...
  core.ingest.emit('test.event', 'test', {});
  await assert.rejects(core.audit.committed(), /readonly|read-only|query_only/i);
  // ...and from then on nothing is sent whose start could not be recorded with it.
  const out = await core.door.execute({ actions: [{ action_type: 'test_light', params: {} }], origin: { source: 'api', trusted: true } });
  assert.equal(out.results[0].status, 'error');
  assert.match(JSON.stringify(out.results[0].output), /not run: could not record/);
  assert.deepEqual(calls, [], 'never sent');
  core.db.sqlite.pragma('query_only = OFF');
  core.close();
});
