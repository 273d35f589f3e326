// The reference check: after an entity is renamed and another removed in Home Assistant (through its own WebSocket
// commands, as its UI does), GET /api/references and the rules page list the rules, scenes and flow nodes that still
// name the old ids; with Home Assistant gone, the check says it cannot judge instead of calling everything missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/ingress-proxy';
import { until } from './helpers/wait';
import type { MissingReference, ReferenceReport } from '../src/server/references';

const SHOTS = resolve(__dirname, '../../screenshots/panel');
const token = randomBytes(12).toString('hex');
let home: DemoHome;
let butler: ButlerProcess;

before(async () => {
  home = await startDemoHome({ port: 0, token });
  butler = await spawnButler({ env: { BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token } });
});

after(async () => {
  await butler?.stop();
  await home?.stop();
});

/** One command on Home Assistant's WebSocket API, as its frontend sends it; resolves with the result message. */
async function haCommand(
  msg: Record<string, unknown>,
): Promise<{ success: boolean; result?: unknown; error?: { code: string; message: string } }> {
  const ws = new WebSocket(home.url);
  try {
    return await new Promise((resolveCmd, reject) => {
      ws.on('error', reject);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; id?: number };
        if (m.type === 'auth_required') ws.send(JSON.stringify({ type: 'auth', access_token: token }));
        else if (m.type === 'auth_ok') ws.send(JSON.stringify({ id: 1, ...msg }));
        else if (m.type === 'result' && m.id === 1) resolveCmd(m as never);
      });
    });
  } finally {
    ws.close();
  }
}

const references = async () => (await butler.api<ReferenceReport>('GET', '/api/references')).body;
const names = (r: ReferenceReport, entity: string) =>
  r.missing
    .filter((m) => m.entity_id === entity)
    .map((m: MissingReference) => `${m.kind}:${m.id}`)
    .sort();

test('a renamed and a removed entity: the rules, scenes and flow nodes that name them are listed, with the field', async (t) => {
  const rule = {
    id: 'kitchen_evening',
    name: 'Kitchen in the evening',
    triggers: [{ kind: 'state', entity_id: 'light.kitchen_lights', to: 'on' }],
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'switch.decorative_lights' } }],
  };
  assert.equal((await butler.api('POST', '/api/rules', rule)).status, 201);
  const flows = [
    { id: 'reftab', type: 'tab', label: 'Decorations' },
    {
      id: 'refcall',
      type: 'butler-ha-call-service',
      z: 'reftab',
      name: 'decorations on',
      domain: 'switch',
      service: 'turn_on',
      entity_id: 'switch.decorative_lights',
      data: '',
      x: 300,
      y: 100,
      wires: [[]],
    },
    {
      id: 'refexec',
      type: 'butler-execute',
      z: 'reftab',
      name: '',
      action_type: 'device_turn_off',
      params: '{"device_id":"light.kitchen_lights"}',
      reason: '',
      x: 300,
      y: 200,
      wires: [[]],
    },
  ];
  const deployed = await fetch(`${butler.url}/flows/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${butler.token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  assert.equal(deployed.status, 204, await deployed.text());

  const before = await references();
  assert.equal(before.checked, true);
  assert.deepEqual(before.missing, [], 'everything named exists before the rename');

  const renamed = await haCommand({
    type: 'config/entity_registry/update',
    entity_id: 'light.kitchen_lights',
    new_entity_id: 'light.kitchen_ceiling',
  });
  assert.equal(renamed.success, true, JSON.stringify(renamed));
  const removed = await haCommand({ type: 'config/entity_registry/remove', entity_id: 'switch.decorative_lights' });
  assert.equal(removed.success, true, JSON.stringify(removed));
  await until('the butler sees the rename', async () => (await butler.api('GET', '/api/entities/light.kitchen_ceiling')).status === 200);
  await until(
    'the butler sees the removal',
    async () => (await butler.api('GET', '/api/entities/switch.decorative_lights')).status === 404,
  );

  // The entity registry reaches the butler a moment after the states (it is fetched again on entity_registry_updated).
  const after = await until('both changes in the check', async () => {
    const r = await references();
    return names(r, 'switch.decorative_lights').length > 0 && names(r, 'light.kitchen_lights').length > 0 ? r : null;
  });
  const kitchen = names(after, 'light.kitchen_lights');
  assert.ok(kitchen.includes('rule:kitchen_evening'), JSON.stringify(after.missing));
  assert.ok(kitchen.includes('flow:refexec'), 'a JSON params string in a flow node is read');
  assert.ok(
    kitchen.some((k) => k.startsWith('scene:')),
    'the preset scenes that switch every light name the old id',
  );
  assert.deepEqual(names(after, 'switch.decorative_lights'), ['flow:refcall', 'rule:kitchen_evening']);
  const ruleRef = after.missing.find((m) => m.id === 'kitchen_evening' && m.entity_id === 'light.kitchen_lights')!;
  assert.equal(ruleRef.path, 'triggers/0/entity_id');
  const flowRef = after.missing.find((m) => m.id === 'refcall')!;
  assert.equal(flowRef.flow, 'Decorations');
  assert.equal(flowRef.node_type, 'butler-ha-call-service');
  assert.ok(!after.missing.some((m) => m.entity_id === 'light.kitchen_ceiling'), 'the new id is known');

  // The rules page lists them (under CI a missing browser is an error, as in the other browser tests).
  if (!existsSync(CHROMIUM) && !process.env.CI) t.diagnostic('no /usr/bin/chromium: the rules page was not checked');
  else {
    mkdirSync(SHOTS, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${butler.url}/login?token=${butler.token}`);
      await page.goto(`${butler.url}/#/rules`);
      const item = page.locator('#missing-references li[data-id="refcall"]');
      await item.waitFor({ timeout: 15_000 });
      assert.match(await item.innerText(), /decorations on[\s\S]*\(Decorations\)[\s\S]*switch\.decorative_lights/);
      assert.ok((await page.locator('#missing-references li[data-kind="scene"]').count()) > 0);
      await page.screenshot({ path: join(SHOTS, 'references.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  }

  // Bad input on Home Assistant's side: renaming to a taken id or an unknown entity is refused with its own words.
  const taken = await haCommand({
    type: 'config/entity_registry/update',
    entity_id: 'light.kitchen_ceiling',
    new_entity_id: 'light.bed_light',
  });
  assert.equal(taken.success, false);
  assert.match(taken.error!.message, /light\.bed_light is already registered/);
  const unknown = await haCommand({ type: 'config/entity_registry/remove', entity_id: 'switch.no_such_thing' });
  assert.equal(unknown.error?.code, 'not_found');
});

test('with Home Assistant gone, the check says it cannot judge instead of calling every entity missing', async () => {
  await home.stop();
  await until('the butler sees Home Assistant gone', async () => (await references()).checked === false);
  const r = await references();
  assert.deepEqual(r.missing, []);
  assert.match(r.notes.join(' '), /Home Assistant is not connected/);
  await home.start();
});
