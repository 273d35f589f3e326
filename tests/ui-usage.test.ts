// Usage per day through the whole butler with a fake Messages API: the model's requests and tokens match what the
// API answered, the cost follows the price table, turns are counted by who answered them, each stage has p50/p95,
// everything survives a restart, the usage page shows it, and bad queries are refused naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/ingress-proxy';
import type { UsageDay, UsageReport } from '../src/conversation/usage';

const SHOTS = resolve(__dirname, '../../screenshots/panel');
let llm: FakeAnthropic;
let home: DemoHome;
let butler: ButlerProcess;
let env: Record<string, string>;

before(async () => {
  llm = await startFakeAnthropic({ port: 0, apiKey: 'sk-test-key' });
  // A Home Assistant of its own: without the built-in demo, no demo chat greets the butler, so every turn is ours.
  const token = randomBytes(12).toString('hex');
  home = await startDemoHome({ port: 0, token });
  env = {
    BUTLER_HA_URL: home.httpUrl,
    BUTLER_HA_TOKEN: token,
    BUTLER_LLM_API_KEY: 'sk-test-key',
    BUTLER_LLM_BASE_URL: llm.url,
    BUTLER_LLM_MODEL: 'claude-sonnet-4-6',
  };
  butler = await spawnButler({ env });
});

after(async () => {
  await butler?.stop();
  await llm?.stop();
  await home?.stop();
});

/** All days of the report added up (a run across midnight splits the counts over two days). */
function total(r: UsageReport) {
  const sum = (f: (d: UsageDay) => number) => r.days.reduce((a, d) => a + f(d), 0);
  const answered = (who: string) => sum((d) => d.answered[who] ?? 0);
  return {
    requests: sum((d) => d.requests),
    input: sum((d) => d.input_tokens),
    output: sum((d) => d.output_tokens),
    cache_read: sum((d) => d.cache_read_tokens),
    cache_write: sum((d) => d.cache_write_tokens),
    cost: sum((d) => d.cost_usd ?? Number.NaN),
    offline: answered('offline'),
    planner: answered('planner'),
    offlineStages: sum((d) => d.stages.offline?.count ?? 0),
    plannerStages: sum((d) => d.stages.planner?.count ?? 0),
  };
}

const say = (text: string) => butler.api<{ answered_by: string }>('POST', '/api/command', { text, language: 'en' });

test('requests, tokens and cost per day match the Messages API; turns by who answered; stage p50/p95; kept across a restart', async () => {
  assert.equal((await say('turn on the kitchen lights')).body.answered_by, 'offline');
  llm.script({ content: [{ type: 'text', text: 'A teapot walks into a bar.' }], usage: { input_tokens: 1200, output_tokens: 40 } });
  assert.equal((await say('tell me a joke about teapots')).body.answered_by, 'planner');

  const r1 = (await butler.api<UsageReport>('GET', '/api/usage')).body;
  assert.equal(r1.model, 'claude-sonnet-4-6');
  const t1 = total(r1);
  assert.equal(t1.requests, llm.totals.messages);
  assert.equal(t1.input, llm.totals.input_tokens);
  assert.equal(t1.output, llm.totals.output_tokens);
  assert.equal(t1.cache_read, llm.totals.cache_read_input_tokens);
  assert.equal(t1.cache_write, llm.totals.cache_creation_input_tokens);
  // Sonnet 4: $3 in, $15 out, $3.75 cache writes, $0.30 cache reads per million tokens.
  const expected =
    (llm.totals.input_tokens * 3 +
      llm.totals.output_tokens * 15 +
      llm.totals.cache_creation_input_tokens * 3.75 +
      llm.totals.cache_read_input_tokens * 0.3) /
    1e6;
  assert.ok(Math.abs(t1.cost - expected) < 1e-5, `cost ${t1.cost} ≈ ${expected}`);
  assert.equal(t1.offline, 1);
  assert.equal(t1.planner, 1);
  assert.ok(t1.offlineStages >= 2, 'the offline stage ran for both turns');
  assert.equal(t1.plannerStages, 1);
  const today = r1.days[r1.days.length - 1];
  assert.equal(today.offline_share, 0.5);
  assert.ok(today.stages.offline.p50_ms !== null && today.stages.offline.p95_ms! >= today.stages.offline.p50_ms!);

  // A restart keeps the day's counts, and new turns add to them.
  await butler.stop();
  butler = await spawnButler({ env, dataDir: butler.dataDir });
  assert.equal((await say('turn off the kitchen lights')).body.answered_by, 'offline');
  const t2 = total((await butler.api<UsageReport>('GET', '/api/usage')).body);
  assert.equal(t2.requests, t1.requests);
  assert.equal(t2.input, t1.input);
  assert.equal(t2.offline, 2);
  assert.equal(t2.planner, 1);

  if (existsSync(CHROMIUM)) {
    mkdirSync(SHOTS, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${butler.url}/login?token=${butler.token}`);
      await page.goto(`${butler.url}/#/usage`);
      const row = page.locator('#usage-days tbody tr').first();
      await row.waitFor({ timeout: 15_000 });
      assert.equal((await row.locator('[data-col="input"]').innerText()).replace(/\D/g, ''), String(t2.input));
      assert.match(await row.locator('[data-col="cost"]').innerText(), /^\$\d/);
      assert.match(await page.locator('#usage-stages').innerText(), /offline[\s\S]*≤ \d+ (ms|s)/);
      await page.screenshot({ path: join(SHOTS, 'usage.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  }
});

test('bad usage queries are refused naming the field, and the butler keeps answering', async () => {
  for (const q of ['days=0', 'days=abc', 'days=1000']) {
    const r = await butler.api<{ error: string }>('GET', `/api/usage?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error, /days/, q);
  }
  assert.equal((await butler.api('GET', '/api/usage?days=1')).status, 200);
});
