// Home Assistant cameras as a snapshot source: the demo home serves a real JPEG at /api/camera_proxy/<entity_id> behind
// the token (404 unknown, 503 off, 401 bad token, as Home Assistant does), and ha_camera_snapshot keeps it in the
// snapshot store through the door; unknown cameras list the known ones, a camera that is off says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerHaCameraSnapshot, restBase } from '../src/snapshots/ha-camera';
import { SnapshotStore } from '../src/snapshots/store';
import { buildCore, startHomeAndCore, type HomeAndCore } from './helpers/core';
import { freePort } from './helpers/ports';

let env: HomeAndCore;
let store: SnapshotStore;
let token: string;

before(async () => {
  env = await startHomeAndCore({ actionTimeoutMs: 5000 });
  token = env.home.token;
  store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'ha-snap-')) });
  registerHaCameraSnapshot({
    registry: env.core.registry,
    store,
    websocketUrl: env.home.url,
    token,
    cameras: () => [...env.ha.states().keys()].filter((id) => id.startsWith('camera.')),
  });
});

after(async () => {
  await env.stop();
});

const run = async (entity_id: string) =>
  (
    await env.core.door.execute({
      actions: [{ action_type: 'ha_camera_snapshot', params: { entity_id } }],
      origin: { source: 'api', trusted: true },
    })
  ).results[0];

test('the REST base of a WebSocket URL, direct and through the Supervisor', () => {
  assert.equal(restBase('ws://homeassistant.local:8123/api/websocket'), 'http://homeassistant.local:8123');
  assert.equal(restBase('wss://ha.example.org/api/websocket'), 'https://ha.example.org');
  assert.equal(restBase('ws://supervisor/core/websocket'), 'http://supervisor/core');
});

test('the demo home answers camera_proxy like Home Assistant: a JPEG, 404, 401', async () => {
  const url = (id: string) => `${env.home.httpUrl}/api/camera_proxy/${id}`;
  const ok = await fetch(url('camera.demo_camera'), { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await ok.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  assert.equal((await fetch(url('camera.attic'), { headers: { authorization: `Bearer ${token}` } })).status, 404);
  assert.equal((await fetch(url('light.kitchen'), { headers: { authorization: `Bearer ${token}` } })).status, 404);
  assert.equal((await fetch(url('camera.demo_camera'), { headers: { authorization: 'Bearer wrong' } })).status, 401);
});

test('ha_camera_snapshot keeps the picture; unknown cameras list the known ones; a camera that is off says so', async () => {
  const r = await run('camera.demo_camera');
  assert.equal(r.status, 'ok', JSON.stringify(r));
  const out = r.output as { snapshot_id: string; width: number; height: number };
  assert.deepEqual([out.width, out.height], [1280, 720]);
  assert.equal(store.meta(out.snapshot_id).source, 'ha');
  assert.equal(store.meta(out.snapshot_id).camera, 'camera.demo_camera');

  const unknown = await run('camera.attic');
  assert.equal(unknown.status, 'error');
  assert.match(
    String((unknown.output as { error: string }).error),
    /Home Assistant has no camera camera\.attic; known cameras: camera\.demo_camera/,
  );

  env.home.setState('camera.demo_camera', 'off');
  try {
    const off = await run('camera.demo_camera');
    assert.match(String((off.output as { error: string }).error), /camera camera\.demo_camera is off or unavailable/);
  } finally {
    env.home.setState('camera.demo_camera', 'idle');
  }

  const bad = await env.core.door.execute({
    actions: [{ action_type: 'ha_camera_snapshot', params: { entity_id: 'light.kitchen' } }],
    origin: { source: 'api', trusted: true },
  });
  assert.notEqual(bad.results[0].status, 'ok');
  assert.match(JSON.stringify(bad.results[0].output), /entity_id/);
});

test('notify with a picture: the snapshot goes along as Markdown in a persistent notification; a malformed id is refused', async () => {
  const shot = await run('camera.demo_camera');
  const id = (shot.output as { snapshot_id: string }).snapshot_id;
  const ok = await env.core.door.execute({
    actions: [{ action_type: 'notify', params: { title: 'Door', message: 'Someone is there.', snapshot_id: id } }],
    origin: { source: 'api', trusted: true },
  });
  assert.equal(ok.results[0].status, 'ok', JSON.stringify(ok.results[0]));
  const note = env.home.notifications.at(-1)!;
  assert.equal(note.message, `Someone is there.\n\n![snapshot](api/snapshots/${id})`);
  const bad = await env.core.door.execute({
    actions: [{ action_type: 'notify', params: { message: 'x', snapshot_id: '../../etc/passwd' } }],
    origin: { source: 'api', trusted: true },
  });
  assert.notEqual(bad.results[0].status, 'ok');
  assert.match(JSON.stringify(bad.results[0].output), /snapshot_id/);
  assert.notEqual(env.home.notifications.at(-1)!.message, 'x');
});

test('a Home Assistant that cannot be reached is named with the cause, never a bare "fetch failed"', async () => {
  const core = buildCore();
  const closed = await freePort();
  try {
    registerHaCameraSnapshot({
      registry: core.registry,
      store,
      websocketUrl: `ws://127.0.0.1:${closed}/api/websocket`,
      token,
      cameras: () => [],
    });
    const r = (
      await core.door.execute({
        actions: [{ action_type: 'ha_camera_snapshot', params: { entity_id: 'camera.demo_camera' } }],
        origin: { source: 'api', trusted: true },
      })
    ).results[0];
    assert.equal(r.status, 'error');
    const error = String((r.output as { error: string }).error);
    assert.match(error, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${closed}/api/camera_proxy/camera\\.demo_camera: .*ECONNREFUSED`));
    assert.doesNotMatch(error, new RegExp(token));
  } finally {
    core.close();
  }
});
