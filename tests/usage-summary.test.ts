// The usage arithmetic on its own: the price table (longest model prefix wins, unknown models have no price), the
// per-day summary (cost per model, a day with an unpriced model has no total rather than a wrong one, the offline
// share) and p50/p95 from the stage histograms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCost, priceOf } from '../src/brain/planner/prices';
import { quantileBucket, summarise } from '../src/conversation/usage';
import type { UsageRow } from '../src/store/usage';

test('prices: the longest prefix wins; an unknown model has no price', () => {
  assert.equal(priceOf('claude-opus-4-5-20251101')?.input, 5);
  assert.equal(priceOf('claude-opus-4-1-20250805')?.input, 15);
  assert.equal(priceOf('claude-sonnet-4-6')?.output, 15);
  assert.equal(priceOf('gpt-4o'), null);
  assert.equal(estimateCost('gpt-4o', { input: 1, output: 1, cache_read: 0, cache_write: 0 }), null);
  // 1M input at $3, 1M output at $15, 1M cache writes at $3.75, 1M cache reads at $0.30.
  assert.equal(estimateCost('claude-sonnet-4-6', { input: 1e6, output: 1e6, cache_write: 1e6, cache_read: 1e6 }), 3 + 15 + 3.75 + 0.3);
});

test('p50/p95 are the upper bounds of the buckets holding them; above the last bucket is null', () => {
  const h = new Map([
    ['10', 50],
    ['100', 45],
    ['1000', 5],
  ]);
  assert.equal(quantileBucket(h, 0.5), 10);
  assert.equal(quantileBucket(h, 0.95), 100);
  assert.equal(quantileBucket(h, 0.99), 1000);
  assert.equal(quantileBucket(new Map([['inf', 3]]), 0.5), null);
  assert.equal(quantileBucket(new Map(), 0.5), null);
});

test('the per-day summary: cost per model, no total when a used model has no price, the offline share, days in order', () => {
  const rows: UsageRow[] = [
    { day: '2026-11-02', metric: 'llm_requests', label: 'claude-haiku-4-5', value: 2 },
    { day: '2026-11-02', metric: 'llm_input', label: 'claude-haiku-4-5', value: 1000 },
    { day: '2026-11-02', metric: 'llm_output', label: 'claude-haiku-4-5', value: 100 },
    { day: '2026-11-02', metric: 'answered', label: 'offline', value: 3 },
    { day: '2026-11-02', metric: 'answered', label: 'planner', value: 1 },
    { day: '2026-11-02', metric: 'answered', label: 'none', value: 5 },
    { day: '2026-11-02', metric: 'stage_ms', label: 'offline|5', value: 4 },
    { day: '2026-11-01', metric: 'llm_requests', label: 'some-local-model', value: 1 },
    { day: '2026-11-01', metric: 'llm_input', label: 'some-local-model', value: 10 },
  ];
  const [first, second] = summarise(rows);
  assert.equal(first.day, '2026-11-01');
  assert.equal(first.cost_usd, null, 'an unpriced model that was used: no estimate');
  assert.equal(first.offline_share, null, 'no answered turns');
  assert.equal(second.cost_usd, (1000 * 1 + 100 * 5) / 1e6);
  assert.equal(second.offline_share, 0.75, 'not-understood turns count for neither side');
  assert.deepEqual(second.stages.offline, { count: 4, p50_ms: 5, p95_ms: 5 });
});
