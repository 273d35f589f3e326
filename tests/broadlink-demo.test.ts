// The real butler in demo mode starts a simulated RM4 mini: its health is reported, and learn → send by name runs
// through the HTTP API and the door.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { until } from './helpers/wait';

let butler: ButlerProcess;
before(async () => {
  butler = await spawnButler();
});
after(() => butler.stop());

interface Result {
  status: string;
  output: Record<string, unknown>;
}

async function act(action_type: string, params: Record<string, unknown>): Promise<Result> {
  const r = await butler.api<{ results: Result[] }>('POST', '/api/command', { actions: [{ action_type, params }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.results[0];
}

test('the demo blaster is healthy, learns a code and sends it by name', async () => {
  const h = await until('broadlink:demo ok', async () => {
    const r = await butler.api<{ components: Record<string, { ok: boolean; detail: string }> }>('GET', '/api/health');
    return r.body.components?.['broadlink:demo']?.ok ? r.body.components['broadlink:demo'] : null;
  });
  assert.match(h.detail, /connected \(RM4/);
  const learned = await act('ir_learn_command', { device_id: 'tv', command_name: 'power', duration: 10 });
  assert.equal(learned.status, 'ok', JSON.stringify(learned));
  assert.equal(learned.output.learned, true);
  const sent = await act('ir_send_command', { device_id: 'tv', command: 'power' });
  assert.equal(sent.status, 'ok', JSON.stringify(sent));
  assert.equal(sent.output.blaster, 'demo');
  const unknown = await act('ir_send_command', { device_id: 'tv', command: 'mute' });
  assert.equal(unknown.status, 'error');
  assert.match(JSON.stringify(unknown.output), /its commands: power/);
});
