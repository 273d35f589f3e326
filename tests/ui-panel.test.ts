// The panel in a real Chromium: through the token link standalone, and through an ingress-style proxy that prefixes
// every path (as Home Assistant does), so relative URLs are proven, not assumed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { INGRESS_PREFIX, startIngressProxy } from './helpers/ingress-proxy';
import { sendTranscript } from '../src/ha/wyoming';

const CHROMIUM = process.env.BUTLER_TEST_CHROMIUM ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
// Skipped on a developer machine without Chromium; under CI (CI is set) a missing browser fails the tests instead.
const noBrowser = !hasBrowser && !process.env.CI && `no ${CHROMIUM} (apt-get install chromium)`;
let butler: ButlerProcess;
let browser: Browser;
let proxy: Server;
let proxyPort = 0;
const PREFIX = INGRESS_PREFIX;

async function chat(page: Page, text: string): Promise<string> {
  const before = await page.locator('#chat .msg').count();
  await page.fill('#chat-input', text);
  await page.click('#chat-form button');
  await page
    .locator('#chat .msg')
    .nth(before + 1)
    .waitFor();
  return page
    .locator('#chat .msg')
    .nth(before + 1)
    .innerText();
}

before(async () => {
  if (!hasBrowser) {
    if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: CI must run the panel tests; install the "chromium" package`);
    return;
  }
  butler = await spawnButler({ env: { BUTLER_INGRESS_PROXY: '127.0.0.1' } });
  ({ port: proxyPort, server: proxy } = await startIngressProxy(butler.port));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Playwright gives every launch a fresh, empty user data dir of its own.
  });
});

after(async () => {
  await browser?.close();
  proxy?.close();
  await butler?.stop();
});

test('standalone: the token link opens the panel, every call it makes exists, and chat acts on the home', {
  skip: noBrowser,
}, async () => {
  const page = await browser.newPage();
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${butler.url}/login?token=${butler.token}`);
  assert.equal(new URL(page.url()).pathname, '/', 'the token is dropped from the address bar');
  await page.locator('#health.ok').waitFor({ timeout: 10_000 });
  const reply = await chat(page, 'turn off the kitchen lights');
  assert.match(reply, /kitchen/i);
  const state = await butler.api<{ state: string }>('GET', '/api/entities/light.kitchen_lights');
  assert.equal(state.body.state, 'off');
  // The timeline has its own page now (#/timeline): what the chat did is there.
  await page.click('nav a[data-route="timeline"]');
  assert.equal(new URL(page.url()).hash, '#/timeline');
  await page.locator('#timeline li', { hasText: 'ha_call_service' }).first().waitFor();
  assert.ok((await page.locator('#timeline li').count()) > 0);
  assert.deepEqual(failures, [], 'the panel only calls endpoints that exist');
  await page.screenshot({ path: join(tmpdir(), 'butler-panel.png') });
  await page.close();
});

test('without the token the panel and API refuse, and say where to find it', { skip: noBrowser }, async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${butler.url}/`);
  assert.equal(res?.status(), 401);
  assert.match(await page.innerText('body'), /token/);
  await page.close();
});

test('through an ingress prefix: relative URLs work, the user comes from the proxy, and approves a voice request', {
  skip: noBrowser,
}, async () => {
  const page = await browser.newPage();
  const failures: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`http://127.0.0.1:${proxyPort}${PREFIX}/`);
  await page.locator('#health.ok').waitFor({ timeout: 10_000 });
  // A voice request to unlock waits for confirmation; the person approves it in the panel.
  await butler.api('POST', '/api/command', { actions: [{ action_type: 'device_turn_on', params: { device_id: 'lock.front_door' } }] });
  const asked = await sendTranscript('127.0.0.1', butler.wyomingPort, { text: 'unlock the front door', language: 'en' });
  assert.match(asked.text, /confirm/i);
  await page.reload();
  await page.locator('#health.ok').waitFor({ timeout: 10_000 });
  const reply = await chat(page, 'turn on the kitchen lights');
  assert.match(reply, /kitchen/i);
  const state = await butler.api<{ state: string }>('GET', '/api/entities/light.kitchen_lights');
  assert.equal(state.body.state, 'on');
  const plans = await butler.api<{ plans: { source: string; trusted: boolean }[] }>('GET', '/api/plans?limit=1');
  assert.equal(plans.body.plans[0].source, 'panel', 'the request came through ingress as the panel user');
  await page.locator('#confirmations li button', { hasText: 'Approve' }).first().click();
  for (let i = 0; i < 100; i++) {
    if ((await butler.api<{ state: string }>('GET', '/api/entities/lock.front_door')).body.state === 'unlocked') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await butler.api<{ state: string }>('GET', '/api/entities/lock.front_door')).body.state, 'unlocked');
  const approved = await butler.api<{ confirmations: { decided_by: string }[] }>('GET', '/api/confirmations?status=approved');
  assert.equal(approved.body.confirmations[0].decided_by, 'paulus', 'the approver is the ingress user');
  assert.deepEqual(failures, []);
  await page.close();
});
