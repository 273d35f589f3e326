// The model's endpoint hanging, then answering 500, then 429 (the fake Messages API in src/demo/llm has a lasting
// outage mode): the offline understanding keeps answering what it knows without waiting for the model, a sentence only
// the model could handle gets the "model unreachable" answer once the per-attempt timeout (llm_timeout_s) and the
// retries are spent, requests in parallel all get theirs, the butler leaves no request hanging at the endpoint, and
// once the endpoint is back the planner answers again. FAULTS=long keeps each outage for a minute. Prints its figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeFault } from '../../src/demo/llm/server';
import type { TurnReply } from '../../src/conversation/turn';
import { spawnButler } from '../helpers/butler-process';
import { until } from '../helpers/wait';
import { killButler, LONG } from './harness';

const KEY = 'sk-fault-key';
const TIMEOUT_S = 2;
/** How long each outage lasts (asking again every few seconds meanwhile). */
const OUTAGE_MS = LONG ? 60_000 : 0;
const OFFLINE = 'turn on the kitchen lights';
const MODEL_ONLY = 'write a short poem about the autumn leaves in the garden';

test('the model endpoint hanging, failing with 500 and with 429: offline answers, bounded waits, nothing left hanging', {
  timeout: LONG ? 600_000 : 180_000,
}, async (t) => {
  const llm = await startFakeAnthropic({ port: 0, apiKey: KEY });
  const butler = await spawnButler({
    env: { BUTLER_LLM_BASE_URL: llm.url, BUTLER_LLM_API_KEY: KEY, BUTLER_LLM_TIMEOUT_S: String(TIMEOUT_S) },
  });
  t.after(async () => {
    await killButler(butler);
    await llm.stop();
  });
  const say = async (text: string) => {
    const asked = performance.now();
    const r = await butler.api<TurnReply>('POST', '/api/command', { text });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { reply: r.body, ms: performance.now() - asked };
  };
  const figures: string[] = [];
  const outages: [string, FakeFault][] = [
    ['hang', { kind: 'hang' }],
    ['500', { kind: 'error', status: 500 }],
    ['429', { kind: 'error', status: 429, retryAfterS: 1 }],
  ];
  for (const [name, fault] of outages) {
    llm.fault(fault);
    const began = performance.now();
    const before = llm.log.length + llm.hanging();
    const offline = await say(OFFLINE);
    assert.equal(offline.reply.answered_by, 'offline', JSON.stringify(offline.reply));
    assert.equal(offline.reply.handled, true);
    // Three at once: each gets its answer, none waits behind another.
    const answers = await Promise.all([say(MODEL_ONLY), say(`${MODEL_ONLY} please`), say(`${MODEL_ONLY} today`)]);
    for (const a of answers) {
      assert.notEqual(a.reply.answered_by, 'planner', JSON.stringify(a.reply));
      assert.match(a.reply.reply, /can't reach the language model/, `the answer says the model is unreachable: ${a.reply.reply}`);
    }
    let more = 0;
    while (performance.now() - began < OUTAGE_MS) {
      await say(MODEL_ONLY);
      more++;
      await new Promise((r) => setTimeout(r, 5000));
    }
    await until(`no request left hanging at the endpoint (${name})`, () => llm.hanging() === 0, 30_000);
    const attempts = llm.log.length + llm.hanging() - before;
    // Each question the model could not answer was tried once and retried twice by the SDK (maxRetries 2): no more.
    assert.equal(attempts, 3 * (answers.length + more), `${name}: ${attempts} attempts at the endpoint`);
    figures.push(
      `${name}: offline answered in ${offline.ms.toFixed(0)} ms, model-only answered unreachable in ` +
        `${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms at most (${answers.length + more} asked, ${attempts} attempts at the endpoint)`,
    );
  }
  llm.fault(null);
  const back = await say(MODEL_ONLY);
  assert.equal(back.reply.answered_by, 'planner', JSON.stringify(back.reply));
  const health = await butler.api<{ status: string }>('GET', '/api/health');
  console.log(
    `# faults/llm-outage (llm_timeout_s ${TIMEOUT_S}): ${figures.join('; ')}; endpoint back: planner answered in ${back.ms.toFixed(0)} ms; health ${health.body.status}`,
  );
});
