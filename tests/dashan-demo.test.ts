// The real butler in demo mode runs the DaShan part with a simulated robot on its own broker: healthy, and an
// expression set through the API reaches the robot (its merged status shows it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { until } from './helpers/wait';

let butler: ButlerProcess;
before(async () => {
  butler = await spawnButler();
});
after(() => butler.stop());

type Health = { components: Record<string, { ok: boolean; detail: string }> };

test('the demo robot is online and obeys an expression sent through the door', async () => {
  await until('dashan online', async () => (await butler.api<Health>('GET', '/api/health')).body.components?.dashan?.ok || null);
  const r = await butler.api<{ results: { status: string; output: unknown }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'dashan_expression', params: { expression: 'happy' } }],
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
  const h = await until('status shows happy', async () => {
    const d = (await butler.api<Health>('GET', '/api/health')).body.components.dashan.detail;
    return /happy/.test(d) ? d : null;
  });
  assert.match(h, /online \(WAKE, happy/);
});
