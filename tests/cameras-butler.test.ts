// The whole butler as a child process with cameras from a BUTLER_CONFIG YAML file (simulated cameras in this process):
// health per camera, actions through POST /api/command, the picture at GET /api/snapshots/{id} behind the token, bad
// ids refused; and the demo home's own simulated camera when none is configured.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCamera, type SimCamera } from '../src/demo/onvif/camera';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { until } from './helpers/wait';

interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail: string }>;
}
interface CommandAnswer {
  results: { action_type: string; status: string; output: Record<string, unknown> }[];
}

describe('cameras configured in a YAML file', () => {
  let good: SimCamera;
  let locked: SimCamera;
  let butler: ButlerProcess;

  before(async () => {
    good = await startSimCamera({ password: 'front-pass' });
    locked = await startSimCamera({ password: 'right-one' });
    const dir = mkdtempSync(join(tmpdir(), 'butler-cam-'));
    const file = join(dir, 'butler.yaml');
    writeFileSync(
      file,
      [
        'cameras:',
        `  - {name: front, host: 127.0.0.1, port: ${good.port}, username: admin, password: front-pass}`,
        `  - {name: back, host: 127.0.0.1, port: ${locked.port}, username: admin, password: wrong-one}`,
      ].join('\n'),
    );
    butler = await spawnButler({ env: { BUTLER_CONFIG: file } });
  });

  after(async () => {
    await butler?.stop();
    await good.stop();
    await locked.stop();
  });

  test('each camera has its own health component: ok, or why not', async () => {
    const h = await until('camera health', async () => {
      const r = await butler.api<Health>('GET', '/api/health');
      return r.body.components?.['camera:front'] && r.body.components['camera:back'] ? r.body : null;
    });
    assert.deepEqual(h.components['camera:front'], { ok: true, detail: 'connected' });
    assert.equal(h.components['camera:back'].ok, false);
    assert.match(h.components['camera:back'].detail, /^not authorised/);
    assert.equal(h.components['demo-camera'], undefined, 'no demo camera when cameras are configured');
  });

  test('PTZ and snapshot through POST /api/command; the picture is served at /api/snapshots/{id}', async () => {
    const r = await butler.api<CommandAnswer>('POST', '/api/command', {
      actions: [
        { action_type: 'ptz_goto_preset', params: { camera: 'front', preset: 'Garden' } },
        { action_type: 'snapshot', params: { camera: 'front' } },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.results.map((x) => x.status),
      ['ok', 'ok'],
      JSON.stringify(r.body),
    );
    assert.deepEqual(good.position(), { x: 0.1, y: -0.4, zoom: 0.5 });
    const id = r.body.results[1].output.snapshot_id as string;
    const img = await fetch(`${butler.url}/api/snapshots/${id}`, { headers: { authorization: `Bearer ${butler.token}` } });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const list = await butler.api<{ snapshots: { id: string; camera: string }[] }>('GET', '/api/snapshots?camera=front');
    assert.equal(list.body.snapshots[0].id, id);
  });

  test('snapshots need the token; unknown and malformed ids are refused with a reason', async () => {
    const r = await butler.api<CommandAnswer>('POST', '/api/command', {
      actions: [{ action_type: 'snapshot', params: { camera: 'front' } }],
    });
    const id = r.body.results[0].output.snapshot_id as string;
    assert.equal((await fetch(`${butler.url}/api/snapshots/${id}`)).status, 401);
    const unknown = await butler.api<{ error: string }>('GET', '/api/snapshots/snap_1700000000000_deadbeef');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no snapshot snap_1700000000000_deadbeef/);
    const traversal = await butler.api<{ error: string }>('GET', `/api/snapshots/${encodeURIComponent('../api-token')}`);
    assert.equal(traversal.status, 400);
    assert.match(traversal.body.error, /is not a snapshot id/);
  });

  test('the camera that refused the password: actions answer why; an unknown camera lists the known ones', async () => {
    const r = await butler.api<CommandAnswer>('POST', '/api/command', {
      actions: [
        { action_type: 'ptz_stop', params: { camera: 'back' } },
        { action_type: 'ptz_stop', params: { camera: 'attic' } },
        { action_type: 'snapshot', params: {} },
      ],
    });
    const [back, attic, unnamed] = r.body.results;
    assert.match(String(back.output.error), /camera back is not available: not authorised/);
    assert.match(String(attic.output.error), /unknown camera "attic"; known cameras: front, back/);
    assert.match(String(unnamed.output.error), /say which camera: front, back/);
    const h = await butler.api<Health>('GET', '/api/health');
    assert.ok(h.body.status !== 'down', 'the butler keeps serving');
  });
  test('without a model, "what\'s happening at the front door?" / "门口有什么?" say plainly that looking needs one', async () => {
    const said: [string, RegExp][] = [
      ["what's happening at the front door?", /^Describing a picture needs a model: set llm_api_key/],
      ['门口有什么？', /^看画面需要大模型：请在加载项选项里设置 llm_api_key/],
    ];
    for (const [text, reply] of said) {
      const r = await butler.api<{ reply: string; answered_by: string; results: unknown[] }>('POST', '/api/command', { text });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.answered_by, 'offline', text);
      assert.match(r.body.reply, reply, text);
      assert.deepEqual(r.body.results, [], 'nothing is run that can only refuse');
    }
  });
});

describe('the demo home', () => {
  let butler: ButlerProcess;
  before(async () => {
    butler = await spawnButler();
  });
  after(() => butler?.stop());

  test('starts a simulated Frigate on its broker: online, and its latest frames reach the snapshot store', async () => {
    const h = await until('frigate online', async () => {
      const c = (await butler.api<Health>('GET', '/api/health')).body.components?.frigate;
      return c?.ok ? c : null;
    });
    assert.equal(h.detail, 'online');
    const r = await butler.api<CommandAnswer>('POST', '/api/command', {
      actions: [
        { action_type: 'frigate_snapshot', params: { camera: 'front_door' } },
        { action_type: 'frigate_snapshot', params: { camera: 'attic' } },
      ],
    });
    assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
    assert.match(String(r.body.results[0].output.snapshot_id), /^snap_/);
    assert.match(String(r.body.results[1].output.error), /Frigate has no camera attic/);
  });

  test('starts one simulated camera, connected, that takes pictures', async () => {
    const h = await until('camera:porch', async () => (await butler.api<Health>('GET', '/api/health')).body.components?.['camera:porch']);
    assert.deepEqual(h, { ok: true, detail: 'connected' });
    const r = await butler.api<CommandAnswer>('POST', '/api/command', {
      actions: [
        { action_type: 'ptz_list_presets', params: {} },
        { action_type: 'snapshot', params: {} },
      ],
    });
    assert.deepEqual(
      r.body.results.map((x) => x.status),
      ['ok', 'ok'],
      JSON.stringify(r.body),
    );
  });
});
