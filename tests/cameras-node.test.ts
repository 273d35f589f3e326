// The butler camera node under node-red-node-test-helper on the real door and cameras part against the simulator:
// snapshot and go-to-preset pass on the output, an unknown preset reaches Catch with the known presets listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHomeAndCore, type HomeAndCore } from './helpers/core';
import { startSimCamera, type SimCamera } from '../src/demo/onvif/camera';
import { CamerasPart } from '../src/drivers/cameras/part';
import { SnapshotStore } from '../src/snapshots/store';
import { silentLogger } from '../src/log';
import type { ButlerServices } from '../src/flows/services';
import camera = require('../nodes/butler-camera/butler-camera');

interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): {
    on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
    receive(msg: Record<string, unknown>): void;
  };
}
const helper = require('node-red-node-test-helper') as Helper;

let env: HomeAndCore;
let sim: SimCamera;
let part: CamerasPart;
let store: SnapshotStore;

before(async () => {
  env = await startHomeAndCore({ actionTimeoutMs: 5000 });
  sim = await startSimCamera();
  store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'node-snap-')) });
  part = new CamerasPart({
    cameras: [{ name: 'porch', host: '127.0.0.1', port: sim.port, username: 'admin', password: 'secret' }],
    events: false,
  });
  const c = env.core;
  await part.start({ registry: c.registry, ingest: c.ingest, snapshots: store, kv: c.kv, modes: c.modes, log: silentLogger() });
  const services = {
    bus: c.bus,
    door: c.door,
    policy: c.policy,
    registry: c.registry,
    ha: env.ha,
    ingest: c.ingest,
    mqtt: null,
    log: silentLogger(),
  };
  helper.init(require.resolve('node-red'));
  helper.settings({ butler: services as unknown as ButlerServices });
});

after(async () => {
  await helper.unload();
  await part.stop();
  await sim.stop();
  await env.stop();
});

const next = (id: string) => new Promise<Record<string, unknown>>((resolve) => helper.getNode(id).on('input', resolve));

test('snapshot and go-to-preset run through the door; an unknown preset reaches Catch listing the known ones', async () => {
  await helper.load(
    [camera],
    [
      { id: 'tab', type: 'tab' },
      { id: 'snap', z: 'tab', type: 'butler-camera', command: 'snapshot', camera: '', preset: '', version: 1, wires: [['out']] },
      { id: 'turn', z: 'tab', type: 'butler-camera', command: 'goto', camera: 'porch', preset: 'Garden', version: 1, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ],
  );
  let got = next('out');
  helper.getNode('snap').receive({ payload: {} });
  const shot = (await got).payload as { snapshot_id: string };
  assert.match(shot.snapshot_id, /^snap_/);
  assert.ok(store.read(shot.snapshot_id).image.length > 0);

  got = next('out');
  helper.getNode('turn').receive({ payload: {} });
  await got;
  assert.deepEqual(sim.position(), { x: 0.1, y: -0.4, zoom: 0.5 });

  const caught = next('caught');
  helper.getNode('turn').receive({ payload: { preset: 'Roof' } });
  const err = String(((await caught).error as { message: string }).message);
  assert.match(err, /no preset "Roof"; its presets: Front door \(1\), Driveway \(2\), Garden \(3\)/);
});
