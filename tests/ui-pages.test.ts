// Every page of the panel in a real Chromium, standalone and behind an ingress-style prefix: no console error, no
// failed request; approve and deny from the inbox; the rule editor names a wrong field, saves the fixed rule and
// dry-runs it (nothing executed); Chinese; dark theme; phone width; the first-load JavaScript budget. Screenshots of
// each page go to screenshots/panel/ (git-ignored) for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { CHROMIUM, CHROMIUM_ARGS, INGRESS_PREFIX, startIngressProxy } from './helpers/ingress-proxy';
import { until } from './helpers/wait';
import { sendTranscript } from '../src/ha/wyoming';

const hasBrowser = existsSync(CHROMIUM);
const skip = !hasBrowser && 'no /usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../screenshots/panel');
const PANEL = resolve(__dirname, '../src/panel');
const ROUTES = ['', 'timeline', 'devices', 'rules', 'scenes', 'goals', 'memory', 'usage', 'settings'];

let butler: ButlerProcess;
let browser: Browser;
let proxy: Server;
let proxyUrl = '';

before(async () => {
  if (!hasBrowser) return;
  mkdirSync(SHOTS, { recursive: true });
  butler = await spawnButler({ env: { BUTLER_INGRESS_PROXY: '127.0.0.1' } });
  const p = await startIngressProxy(butler.port);
  proxy = p.server;
  proxyUrl = `http://127.0.0.1:${p.port}${INGRESS_PREFIX}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  proxy?.close();
  await butler?.stop();
});

/** A page that records console errors, uncaught exceptions and failed requests. */
async function watched(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  return { page, problems };
}

async function visitAll(page: Page, base: string, tag: string): Promise<void> {
  for (const route of ROUTES) {
    await page.goto(`${base}#/${route}`);
    await page.locator('#health.ok').waitFor({ timeout: 15_000 });
    const current = page.locator(`nav a[data-route="${route || 'home'}"]`);
    assert.equal(await current.getAttribute('aria-current'), 'page', `#/${route} is the current page`);
    await page.locator('#page > *').first().waitFor();
    // Let the page's own requests settle before the picture.
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SHOTS, `${tag}-${route || 'home'}.png`), fullPage: true });
  }
}

test('every page renders without a console error, standalone and under the ingress prefix', { skip }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${butler.url}/login?token=${butler.token}`);
  await visitAll(page, `${butler.url}/`, 'standalone');
  const ingress = await watched(context);
  await visitAll(ingress.page, proxyUrl, 'ingress');
  assert.deepEqual([...problems, ...ingress.problems], []);
  await context.close();
});

test('approve and deny from "Waiting for you" (the person deciding is the ingress user)', { skip }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(proxyUrl);
  await page.locator('#health.ok').waitFor({ timeout: 15_000 });
  const lock = async () => (await butler.api<{ state: string }>('GET', '/api/entities/lock.front_door')).body.state;
  await butler.api('POST', '/api/command', { actions: [{ action_type: 'device_turn_on', params: { device_id: 'lock.front_door' } }] });
  await until('the door locked', async () => (await lock()) === 'locked');

  // A voice request waits; the panel shows it live (no reload) with who asked, the reason and a countdown.
  assert.match((await sendTranscript('127.0.0.1', butler.wyomingPort, { text: 'unlock the front door', language: 'en' })).text, /confirm/i);
  const item = page.locator('#confirmations li').first();
  await item.waitFor({ timeout: 10_000 });
  assert.match(await item.innerText(), /assist/);
  assert.match(await item.locator('.countdown').innerText(), /expires in \d+:\d\d/);
  await item.locator('button', { hasText: 'Deny' }).click();
  await page.locator('#confirmations li').first().waitFor({ state: 'detached' });
  const denied = await butler.api<{ confirmations: { decided_by: string; action_type: string }[] }>(
    'GET',
    '/api/confirmations?status=denied',
  );
  assert.equal(denied.body.confirmations[0].decided_by, 'paulus');
  assert.equal(await lock(), 'locked', 'denied: nothing ran');

  await sendTranscript('127.0.0.1', butler.wyomingPort, { text: 'unlock the front door', language: 'en' });
  await page.locator('#confirmations li button', { hasText: 'Approve' }).first().click();
  await until('the door unlocked', async () => (await lock()) === 'unlocked');
  // The count follows the decision over the live stream, a moment after the action ran.
  await until('nothing left waiting on the panel', async () => (await page.locator('#pending-count').innerText()) === '0');
  assert.deepEqual(problems, []);
  await context.close();
});

test('home: a running timer shows with its countdown and is cancelled from the panel; a scene button activates the scene', {
  skip,
}, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  const scheduled = await butler.api<{ results: { status: string }[] }>('POST', '/api/command', {
    actions: [
      {
        action_type: 'schedule_task',
        params: { name: 'timer:pizza', delay_sec: 600, actions: [{ action_type: 'notify', params: { message: 'Pizza is ready' } }] },
      },
    ],
  });
  assert.equal(scheduled.body.results[0].status, 'ok');
  await page.goto(proxyUrl);
  const timer = page.locator('#running li', { hasText: 'pizza' });
  await timer.waitFor({ timeout: 15_000 });
  assert.match(await timer.innerText(), /Timer: pizza\s+(9|10):\d\d/);
  await timer.locator('button', { hasText: 'Cancel' }).click();
  await timer.waitFor({ state: 'detached' });
  const tasks = await butler.api<{ tasks: unknown[] }>('GET', '/api/panel/tasks');
  assert.deepEqual(tasks.body.tasks, [], 'the timer is cancelled in the butler, not only hidden');

  const scenes = await butler.api<{ scenes: { id: string; name: string }[] }>('GET', '/api/scenes');
  const scene = scenes.body.scenes[0];
  // The scene's plan carries the reason "scene <id>: <name>" and comes from the panel (the ingress user).
  const activations = async () =>
    (await butler.api<{ plans: { reason: string }[] }>('GET', '/api/plans?source=panel&limit=1000')).body.plans.filter((p) =>
      p.reason.startsWith(`scene ${scene.id}:`),
    ).length;
  const before = await activations();
  await page.locator(`button.scene[data-scene="${scene.id}"]`).click();
  await until('the scene activated', async () => (await activations()) > before);
  assert.deepEqual(problems, []);
  await context.close();
});

test('settings: "Back up now" writes a checked copy of the database, and the export link downloads the export', { skip }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/settings`);
  await page.locator('#backup-now').click();
  const message = page.locator('#backup-message', { hasText: 'Backed up to' });
  await message.waitFor({ timeout: 30_000 });
  const file = /Backed up to (\S+)/.exec(await message.innerText())![1];
  const listed = await butler.api<{ backups: { file: string }[] }>('GET', '/api/backups');
  assert.ok(
    listed.body.backups.some((b) => b.file === file),
    `${file} is one of the backups`,
  );
  const href = await page.locator('#export').getAttribute('href');
  assert.equal(href, 'api/export', 'a relative link: it works under the ingress prefix');
  const res = await page.request.get(`${proxyUrl}${href}`);
  assert.equal(res.status(), 200);
  assert.equal(((await res.json()) as { format: string }).format, 'smart-butler-export');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the rule editor names the wrong field, saves the fixed rule, and dry-runs it against a past event without running it', {
  skip,
}, async () => {
  const ev = await butler.api<{ event_id: string }>('POST', '/api/events', {
    type: 'doorbell.pressed',
    source: 'api',
    payload: { button: 'front' },
  });
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/rules`);
  await page.locator('#new-rule').click();
  const bad = {
    id: 'doorbell_notify',
    name: 'Doorbell',
    triggers: [{ kind: 'evnt', type: 'doorbell.pressed' }],
    actions: [{ action_type: 'notify', params: { message: 'Someone is at the door' } }],
  };
  await page.fill('#rule-text', JSON.stringify(bad, null, 2));
  const field = page.locator('#rule-problems [data-field]').first();
  await field.waitFor({ timeout: 10_000 });
  assert.equal(await field.getAttribute('data-field'), 'triggers/0/kind');
  assert.ok(await page.locator('#save-rule').isDisabled(), 'a wrong rule cannot be saved');

  await page.fill('#rule-text', JSON.stringify({ ...bad, triggers: [{ kind: 'event', type: 'doorbell.pressed' }] }, null, 2));
  await page.locator('#rule-valid').waitFor();
  await page.locator('#save-rule').click();
  await page.locator('#rule-message', { hasText: 'Saved' }).waitFor();
  assert.equal((await butler.api('GET', '/api/rules/doorbell_notify')).status, 200);
  await page.locator('#rules li[data-rule="doorbell_notify"]').waitFor();

  const notifications = async () =>
    (await butler.api<{ results: unknown[] }>('GET', '/api/results?action_type=notify&limit=1000')).body.results.length;
  const before = await notifications();
  await page.selectOption('#dry-event', ev.body.event_id);
  await page.locator('#dry-run').click();
  await page.locator('#dry-result li[data-action="notify"]').waitFor();
  assert.match(await page.locator('#dry-result').innerText(), /Someone is at the door/);
  // The dry run answered (above); nothing was executed for it.
  assert.equal(await notifications(), before);
  assert.deepEqual(problems, []);
  await context.close();
});

test('timeline: a new event arrives live, filters narrow the rows, and "why not?" explains an event nothing acted on', {
  skip,
}, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/timeline`);
  await page.locator('#timeline li').first().waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  // Posted after the page loaded: only the stream can bring it.
  await butler.api('POST', '/api/events', { type: 'garden.gnome_moved', source: 'api', payload: { entity_id: 'sensor.gnome' } });
  const row = page.locator('#timeline li', { hasText: 'garden.gnome_moved' });
  await row.waitFor({ timeout: 10_000 });
  await page.fill('#f-entity', 'sensor.gnome');
  await until('the filter applied', async () => (await page.locator('#timeline li').count()) === 1);
  await page.fill('#f-entity', 'no.such_entity_anywhere');
  await until('nothing matches', async () => (await page.locator('#timeline li').count()) === 0);
  await page.fill('#f-entity', '');
  await row.click();
  const whyNot = page.locator('#why-not');
  await whyNot.waitFor();
  assert.match(await whyNot.innerText(), /No rule, flow or conversation acted on this event\. No rule listens to "garden\.gnome_moved"/);
  // Keyboard: the rows are a listbox; Enter on a focused row opens its chain.
  await page.locator('#timeline li').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#timeline li[aria-selected="true"]').getAttribute('data-index'), '1');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Chinese: the panel follows the browser language and the butler answers in Chinese', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const { page, problems } = await watched(context);
  await page.goto(proxyUrl);
  await page.locator('#health.ok').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('nav a[data-route="home"]').innerText(), '首页');
  assert.equal(await page.evaluate<string>('document.documentElement.lang'), 'zh-CN');
  await page.fill('#chat-input', '打开厨房的灯');
  await page.click('#chat-form button');
  const reply = page.locator('#chat .msg.butler').first();
  await reply.waitFor();
  assert.match(await reply.innerText(), /[\u4e00-\u9fff]/, 'a Chinese reply');
  assert.match(await reply.innerText(), /由离线理解回答/, 'who answered, in Chinese');
  await until(
    'the kitchen lights on',
    async () => (await butler.api<{ state: string }>('GET', '/api/entities/light.kitchen_lights')).body.state === 'on',
  );
  await page.screenshot({ path: join(SHOTS, 'zh-home.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('dark theme follows prefers-color-scheme; a phone-width viewport has no sideways scrolling', { skip }, async () => {
  const dark = await browser.newContext({ colorScheme: 'dark' });
  const d = await watched(dark);
  await d.page.goto(proxyUrl);
  await d.page.locator('#health.ok').waitFor({ timeout: 15_000 });
  const bg = await d.page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  assert.ok(r + g + b < 120, `a dark background, got ${bg}`);
  await d.page.screenshot({ path: join(SHOTS, 'dark-home.png'), fullPage: true });
  // Every page, dark and in Chinese, without a console error.
  const zhDark = await browser.newContext({ colorScheme: 'dark', locale: 'zh-CN' });
  const z = await watched(zhDark);
  await visitAll(z.page, proxyUrl, 'zh-dark');
  assert.deepEqual(z.problems, []);
  await zhDark.close();
  assert.deepEqual(d.problems, []);
  await dark.close();

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await watched(phone);
  for (const route of ROUTES) {
    await p.page.goto(`${proxyUrl}#/${route}`);
    await p.page.locator('#health.ok').waitFor({ timeout: 15_000 });
    await p.page.waitForLoadState('networkidle');
    const width = await p.page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(width <= 391, `#/${route} fits a phone (scrollWidth ${width})`);
    await p.page.screenshot({ path: join(SHOTS, `phone-${route || 'home'}.png`), fullPage: true });
  }
  assert.deepEqual(p.problems, []);
  await phone.close();
});

test("inside Home Assistant's frame: the panel takes its theme colours and language from the parent document", { skip }, async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, problems } = await watched(context);
  // A same-origin parent standing in for Home Assistant's frontend: a dark theme and Chinese.
  await page.goto(proxyUrl);
  await page.locator('#health.ok').waitFor({ timeout: 15_000 });
  await page.setContent(
    `<html lang="zh-Hans" style="--primary-background-color: rgb(1, 2, 3); --primary-color: rgb(200, 100, 50)">` +
      `<head><link rel="icon" href="data:,"></head><body>` +
      `<iframe id="panel" src="${proxyUrl}" style="width:1000px;height:700px"></iframe></body></html>`,
  );
  const frame = page.frameLocator('#panel');
  await frame.locator('#health.ok').waitFor({ timeout: 15_000 });
  assert.equal(await frame.locator('nav a[data-route="home"]').innerText(), '首页', 'the parent language wins over the browser');
  const panel = page.frames().find((f) => f !== page.mainFrame())!;
  assert.equal(await panel.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(1, 2, 3)');
  await page.screenshot({ path: join(SHOTS, 'ha-frame.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('first-load JavaScript is at most 150 KB gzipped', () => {
  const index = readFileSync(join(PANEL, 'index.html'), 'utf8');
  const scripts = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, 'index.html loads the built script by a relative URL');
  const gz = scripts.reduce((n, s) => n + gzipSync(readFileSync(join(PANEL, s))).length, 0);
  assert.ok(gz <= 150 * 1024, `first load ${gz} bytes gzipped`);
  assert.doesNotMatch(index, /(?:src|href)="(?:https?:)?\/\//, 'nothing from another host');
});

test('memory: edit a memory in place; the page shows where it came from and whether it is trusted', { skip }, async () => {
  const made = await butler.api<{ result: { id: number } }>('POST', '/api/memories', { text: 'The cat is called Tom', subject: 'cat' });
  const id = made.body.result.id;
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/memory`);
  const item = page.locator(`#memories li[data-memory="${id}"]`);
  await item.waitFor({ timeout: 15_000 });
  assert.match(await item.locator('.source').innerText(), /api/);
  assert.equal(await item.locator('.trust').innerText(), 'trusted');
  await item.locator('button.edit').click();
  await item.locator('input[name="text"]').fill('The cat is called Tommy');
  await item.locator('button[type="submit"]').click();
  await item.locator('.text', { hasText: 'The cat is called Tommy' }).waitFor();
  // Edited in the panel: now from the panel, by the ingress user.
  assert.match(await item.locator('.source').innerText(), /panel/);
  assert.match(await item.innerText(), /paulus/);
  const stored = await butler.api<{ memories: { id: number; text: string }[] }>('GET', '/api/memories?limit=1000');
  assert.equal(stored.body.memories.find((m) => m.id === id)?.text, 'The cat is called Tommy');
  await page.screenshot({ path: join(SHOTS, 'memory-edit.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the rule editor takes YAML too: a wrong field is named, a YAML syntax error says where, the fixed rule saves', { skip }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/rules`);
  await page.locator('#new-rule').click();
  await page.selectOption('#rule-format', 'yaml');
  assert.match(
    await page.inputValue('#rule-text'),
    /^id: my_rule\ntriggers:|^id: my_rule\nname: My rule\n/,
    'the template converted to YAML',
  );
  const rule = (kind: string) =>
    [
      'id: porch_yaml',
      'name: Porch from YAML',
      'triggers:',
      `  - kind: ${kind}`,
      '    type: porch.motion',
      'actions:',
      '  - action_type: notify',
      '    params:',
      '      message: Someone on the porch',
      '',
    ].join('\n');
  await page.fill('#rule-text', rule('evnt'));
  const field = page.locator('#rule-problems [data-field]').first();
  await field.waitFor({ timeout: 10_000 });
  assert.equal(await field.getAttribute('data-field'), 'triggers/0/kind');
  await page.fill('#rule-text', 'id: [unclosed\nname: x\n');
  await page.locator('#rule-problems', { hasText: /line \d+/ }).waitFor();
  assert.ok(await page.locator('#save-rule').isDisabled());
  await page.fill('#rule-text', rule('event'));
  await page.locator('#rule-valid').waitFor();
  await page.locator('#save-rule').click();
  await page.locator('#rule-message', { hasText: 'Saved' }).waitFor();
  const saved = await butler.api<{ rule: { triggers: { kind: string; type: string }[] } }>('GET', '/api/rules/porch_yaml');
  assert.equal(saved.status, 200);
  assert.deepEqual(saved.body.rule.triggers[0], { kind: 'event', type: 'porch.motion' });
  // Back to JSON: the text converts.
  await page.selectOption('#rule-format', 'json');
  assert.equal(JSON.parse(await page.inputValue('#rule-text')).name, 'Porch from YAML');
  assert.deepEqual(problems, []);
  await context.close();
});

test("settings: the confirmation table is the butler's own policy — each cell matches what a request from that source gets", {
  skip,
}, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  await page.goto(`${proxyUrl}#/settings`);
  const row = page.locator('#confirm-table tr[data-action="device_turn_off"][data-example="lock.front_door"]');
  await row.waitFor({ timeout: 15_000 });
  const cell = async (source: string) => row.locator(`td[data-source="${source}"]`).getAttribute('data-verdict');
  assert.equal(await cell('panel'), 'allow');
  assert.equal(await cell('api'), 'allow');
  assert.equal(await cell('assist'), 'confirm', 'voice confirms sensitive actions');
  assert.equal(await cell('chat'), 'confirm');
  assert.equal(await cell('planner_unasked'), 'confirm');
  assert.equal(await cell('mqtt'), 'confirm', 'MQTT is untrusted unless mqtt_trusted');
  assert.equal(
    await page.locator('#confirm-table tr[data-action="system_exec"] td[data-source="chat"]').getAttribute('data-verdict'),
    'confirm',
  );
  await page.screenshot({ path: join(SHOTS, 'settings-confirmations.png'), fullPage: true });

  // What the table says is what happens: from the API the lock runs; from voice it waits for a person.
  await butler.api('POST', '/api/command', { actions: [{ action_type: 'device_turn_on', params: { device_id: 'lock.front_door' } }] });
  const viaApi = await butler.api<{ results: { status: string }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'device_turn_off', params: { device_id: 'lock.front_door' } }],
  });
  assert.equal(viaApi.body.results[0].status, 'ok');
  await butler.api('POST', '/api/command', { actions: [{ action_type: 'device_turn_on', params: { device_id: 'lock.front_door' } }] });
  assert.match((await sendTranscript('127.0.0.1', butler.wyomingPort, { text: 'unlock the front door', language: 'en' })).text, /confirm/i);
  const pending = await butler.api<{ confirmations: { id: string }[] }>('GET', '/api/confirmations?status=pending');
  for (const c of pending.body.confirmations) await butler.api('POST', `/api/confirmations/${c.id}/deny`, {});
  assert.deepEqual(problems, []);
  await context.close();
});

test("devices: the camera's snapshot, PTZ pad and presets, IR learn and send, DaShan state and expression — each an action through the door", {
  skip,
}, async () => {
  const context = await browser.newContext();
  const { page, problems } = await watched(context);
  const okResults = async (action: string) =>
    (await butler.api<{ results: { status: string }[] }>('GET', `/api/results?action_type=${action}&limit=1000`)).body.results.filter(
      (r) => r.status === 'ok',
    ).length;
  const before = {
    goto: await okResults('ptz_goto_preset'),
    move: await okResults('ptz_move'),
    send: await okResults('ir_send_command'),
    state: await okResults('dashan_state'),
    expression: await okResults('dashan_expression'),
  };
  await page.goto(`${proxyUrl}#/devices`);
  const camera = page.locator('.camera[data-camera="porch"]');
  await camera.waitFor({ timeout: 15_000 });
  await camera.locator('button.preset[data-preset="Driveway"]').click();
  await until('the preset ran', async () => (await okResults('ptz_goto_preset')) === before.goto + 1);
  await camera.locator('button[data-dir="right"]').click();
  await until('the camera moved', async () => (await okResults('ptz_move')) === before.move + 1);
  await camera.locator('button.take-snapshot').click();
  const img = camera.locator('img.snapshot');
  await img.waitFor();
  await until('the snapshot loaded', async () => (await img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)) > 0);

  const ir = page.locator('.ir');
  await ir.locator('input[name="device"]').fill('tv');
  await ir.locator('input[name="command"]').fill('power');
  await ir.locator('.learn button[type="submit"]').click();
  await ir.locator('.status', { hasText: 'Learned tv/power' }).waitFor({ timeout: 40_000 });
  await ir.locator('li[data-device="tv"] button.send[data-command="power"]').click();
  await until('the code was sent', async () => (await okResults('ir_send_command')) === before.send + 1);

  const dashan = page.locator('.dashan');
  await dashan.locator('#dashan-state select').selectOption('THINK');
  await dashan.locator('#dashan-state button').click();
  await until('the robot state set', async () => (await okResults('dashan_state')) === before.state + 1);
  await dashan.locator('#dashan-expression select').selectOption('happy');
  await dashan.locator('#dashan-expression button').click();
  await until('the expression set', async () => (await okResults('dashan_expression')) === before.expression + 1);
  // Every one of them came from the panel as the ingress user, through the door.
  const plans = await butler.api<{ plans: { source: string; actions: { action_type: string }[] }[] }>(
    'GET',
    '/api/plans?source=panel&limit=1000',
  );
  const fromPanel = new Set(plans.body.plans.flatMap((p) => p.actions.map((a) => a.action_type)));
  for (const a of ['ptz_goto_preset', 'ptz_move', 'snapshot', 'ir_learn_command', 'ir_send_command', 'dashan_state', 'dashan_expression'])
    assert.ok(fromPanel.has(a), `${a} planned from the panel`);
  await page.screenshot({ path: join(SHOTS, 'devices-own.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
