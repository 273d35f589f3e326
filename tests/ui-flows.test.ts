// The flow editor as a person uses it from Home Assistant's sidebar: behind the ingress-style prefix, drag an inject
// node and a butler node from the palette, wire them, set the action, deploy, press the inject button, and see the
// action reach the home through the door. Screenshots go to screenshots/panel/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { CHROMIUM, CHROMIUM_ARGS, INGRESS_PREFIX, startIngressProxy } from './helpers/ingress-proxy';
import { until } from './helpers/wait';

const hasBrowser = existsSync(CHROMIUM);
const skip = !hasBrowser && 'no /usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../screenshots/panel');

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

/** Drags a palette entry onto the workspace at (x, y) of the visible chart, with real mouse moves. */
async function dropFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const entry = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  await entry.scrollIntoViewIfNeeded();
  const from = (await entry.boundingBox())!;
  const chart = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  // jQuery UI's draggable needs a few intermediate moves to start and to find the drop target.
  await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2 + 5, { steps: 5 });
  await page.mouse.move(chart.x + x, chart.y + y, { steps: 15 });
  await page.mouse.up();
}

async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const b = (await l.boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

test('the flow editor under the ingress prefix: drag, wire, deploy, and the flow runs through the door', { skip }, async () => {
  const light = async () => (await butler.api<{ state: string }>('GET', '/api/entities/light.kitchen_lights')).body.state;
  await butler.api('POST', '/api/command', {
    actions: [{ action_type: 'device_turn_off', params: { device_id: 'light.kitchen_lights' } }],
  });
  await until('the kitchen lights off', async () => (await light()) === 'off');

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  // The settings page links to the editor (it opens in a new tab there); follow its relative address.
  await page.goto(`${proxyUrl}#/settings`);
  const link = page.locator('a[href="flows/"]').first();
  await link.waitFor({ timeout: 15_000 });
  await page.goto(new URL((await link.getAttribute('href'))!, page.url()).href);
  assert.ok(page.url().startsWith(proxyUrl), `the editor stays under the prefix (${page.url()})`);
  await page.locator('.red-ui-palette-node[data-palette-type="butler-execute"]').waitFor({ timeout: 30_000 });

  // A fresh tab of its own, so the shipped flows' nodes are not in the way. The palette shows before the flows
  // arrive: count the tabs only once the shipped flow's nodes are drawn.
  await page.locator('#red-ui-workspace-chart g.red-ui-flow-node-group').first().waitFor({ timeout: 30_000 });
  const tabs = await page.locator('#red-ui-workspace-tabs li.red-ui-tab').count();
  await page.locator('#red-ui-workspace-tabs-add a, #red-ui-workspace .red-ui-tab-button.red-ui-tabs-add a').first().click();
  await until('a new tab', async () => (await page.locator('#red-ui-workspace-tabs li.red-ui-tab').count()) === tabs + 1);

  await dropFromPalette(page, 'inject', 200, 150);
  await dropFromPalette(page, 'butler-execute', 480, 150);
  const nodes = page.locator('#red-ui-workspace-chart g.red-ui-flow-node-group');
  await until('two nodes on the new tab', async () => (await nodes.count()) === 2);
  const inject = nodes.filter({ has: page.locator('.red-ui-flow-node-button') });
  const execute = nodes.filter({ hasNot: page.locator('.red-ui-flow-node-button') });

  // Wire: from the inject node's output port to the execute node's input port.
  const out = await centre(inject.locator('.red-ui-flow-port-output .red-ui-flow-port'));
  const input = await centre(execute.locator('.red-ui-flow-port-input .red-ui-flow-port'));
  await page.mouse.move(out.x, out.y);
  await page.mouse.down();
  await page.mouse.move(input.x, input.y, { steps: 15 });
  await page.mouse.up();
  await page.locator('#red-ui-workspace-chart path.red-ui-flow-link-path').first().waitFor({ timeout: 5_000 });

  // Set the action in the node's edit dialog.
  await execute.locator('rect.red-ui-flow-node').dblclick();
  await page.locator('#node-input-action_type').fill('device_turn_on');
  await page.locator('#node-input-params').fill('{"device_id":"light.kitchen_lights"}');
  await page.locator('#node-input-reason').fill('kitchen from the editor');
  await page.locator('#node-dialog-ok').click();
  await page.locator('#node-input-action_type').waitFor({ state: 'detached' });

  await page.locator('#red-ui-header-button-deploy').click();
  await page.locator('#red-ui-header-button-deploy.disabled').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(SHOTS, 'ingress-flows.png') });
  const saved = (await butler.api<{ type: string; action_type?: string; wires?: string[][] }[]>('GET', '/flows/flows')).body;
  const execNode = saved.find((n) => n.type === 'butler-execute' && n.action_type === 'device_turn_on');
  assert.ok(execNode, 'the deployed flows hold the new butler-execute node');
  const injectNode = saved.find((n) => n.type === 'inject' && n.wires?.[0]?.length === 1);
  assert.ok(injectNode, 'the inject node is wired');

  // Press the inject node's button: the flow runs, the action goes through the door, the light turns on.
  await inject.locator('.red-ui-flow-node-button').click();
  await until('the kitchen lights on', async () => (await light()) === 'on');
  // The node's status reaches the editor over its WebSocket (/flows/comms, through the same prefix).
  await execute.locator('.red-ui-flow-node-status-label', { hasText: 'ok' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(SHOTS, 'ingress-flows-ran.png') });
  const plans = await butler.api<{ plans: { reason: string; source: string }[] }>('GET', '/api/plans?limit=50');
  const plan = plans.body.plans.find((p) => p.reason === 'kitchen from the editor');
  assert.ok(plan, 'a plan with the reason set in the editor');
  assert.equal(plan.source, 'flow');
  assert.deepEqual(problems, []);
  await context.close();
});
