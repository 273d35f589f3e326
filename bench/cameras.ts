// Cameras: PTZ command round trip through the door against the simulated ONVIF camera (p50/p99), snapshot round trip,
// a camera picture prepared for vision (bytes and image tokens before and after downscaling to ≤ 1568 px), and the
// resident memory the cameras and Frigate parts add when idle (two cameras, Frigate on an embedded broker). The
// simulators (two cameras, Frigate, the broker) run in a child process, so the memory measured is the butler side's.
// Run: npm run build && node --expose-gc dist/bench/cameras.js
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { startEmbeddedBroker } from '../src/bus/broker';
import { buildCore } from '../src/core/core';
import { startSimFrigate } from '../src/demo/frigate/server';
import { startSimCamera } from '../src/demo/onvif/camera';
import { CamerasPart } from '../src/drivers/cameras/part';
import { FrigatePart } from '../src/drivers/frigate/part';
import { silentLogger } from '../src/log';
import { SnapshotStore } from '../src/snapshots/store';
import { estimateImageTokens, prepareForVision } from '../src/snapshots/vision';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const dir = mkdtempSync(join(tmpdir(), 'bench-cameras-'));
  const core = buildCore({ dataDir: dir, actionTimeoutMs: 10_000, confirmationTimeoutS: 300 });
  const store = new SnapshotStore({ dir: join(dir, 'snapshots') });
  const sims = spawn(process.execPath, [__filename, '--simulators'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: sims.stdout! }).once('line', resolve);
    sims.once('exit', (code) => reject(new Error(`the simulators exited with ${code}`)));
  });
  const {
    a: simA,
    b: simB,
    frigate,
    broker,
  } = JSON.parse(first) as {
    a: { port: number };
    b: { port: number };
    frigate: { url: string };
    broker: { url: string };
  };
  const client = mqtt.connect(broker.url);
  await new Promise((r) => client.once('connect', r));
  await new Promise((r) => setTimeout(r, 500));
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  // The onvif module is loaded with the first camera connection; measured on its own to tell code from connections.
  require('onvif/promises');
  gc?.();
  const rssModule = process.memoryUsage().rss;

  const cams = new CamerasPart({
    cameras: [
      { name: 'a', host: '127.0.0.1', port: simA.port, username: 'admin', password: 'secret' },
      { name: 'b', host: '127.0.0.1', port: simB.port, username: 'admin', password: 'secret' },
    ],
  });
  await cams.start({ registry: core.registry, ingest: core.ingest, snapshots: store, kv: core.kv, modes: core.modes, log: silentLogger() });
  const fr = new FrigatePart({ url: frigate.url, topicPrefix: 'frigate' });
  await fr.start({ mqtt: client, ingest: core.ingest, registry: core.registry, snapshots: store, log: silentLogger() });
  await new Promise((r) => setTimeout(r, 2000));
  gc?.();
  const rssAfter = process.memoryUsage().rss;

  const origin = { source: 'api', trusted: true };
  const time = async (n: number, action: string, params: (i: number) => Record<string, unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const out = await core.door.execute({ actions: [{ action_type: action, params: params(i) as never }], origin });
      ms.push(performance.now() - t);
      if (out.results[0].status !== 'ok') throw new Error(`${action}: ${JSON.stringify(out.results[0].output)}`);
    }
    return ms;
  };
  for (let i = 0; i < 20; i++) await time(1, 'ptz_goto_preset', () => ({ camera: 'a', preset: String((i % 3) + 1) }));
  const ptz = await time(500, 'ptz_goto_preset', (i) => ({ camera: 'a', preset: String((i % 3) + 1) }));
  const snap = await time(50, 'snapshot', () => ({ camera: 'a' }));

  // A 4K camera frame with texture (noise compresses like a real scene, unlike a flat colour).
  const noise = Buffer.alloc(3840 * 2160 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = ((i * 7919 + ((i / 3840) | 0) * 31) & 0xff) ^ ((Math.random() * 40) | 0);
  const frame = await sharp(noise, { raw: { width: 3840, height: 2160, channels: 3 } })
    .blur(1.2)
    .jpeg({ quality: 85 })
    .toBuffer();
  const t0 = performance.now();
  const prepared = await prepareForVision(frame);
  const prepMs = performance.now() - t0;

  console.log('cameras bench (simulated ONVIF camera on loopback, real onvif client, through the door)');
  console.log(`  ptz_goto_preset round trip   n=${ptz.length}  p50 ${pct(ptz, 50).toFixed(2)} ms  p99 ${pct(ptz, 99).toFixed(2)} ms`);
  console.log(
    `  snapshot (URI + digest GET + store)  n=${snap.length}  p50 ${pct(snap, 50).toFixed(2)} ms  p99 ${pct(snap, 99).toFixed(2)} ms`,
  );
  console.log(
    `  vision image  before: 3840x2160 ${(frame.length / 1024).toFixed(0)} KiB ≈ ${estimateImageTokens(3840, 2160)} tokens at full size` +
      `  after: ${prepared.width}x${prepared.height} ${(prepared.data.length / 1024).toFixed(0)} KiB ≈ ${prepared.tokens} tokens (downscale ${prepMs.toFixed(0)} ms)`,
  );
  console.log(
    `  idle RSS  before the parts ${mb(rssBefore)}  with two cameras (pull-point subscriptions) + Frigate ${mb(rssAfter)}  delta ${mb(rssAfter - rssBefore)} (the onvif module ${mb(rssModule - rssBefore)}, the parts ${mb(rssAfter - rssModule)})${gc ? '' : ' (run with --expose-gc for steadier figures)'}`,
  );

  await fr.stop();
  await cams.stop();
  await client.endAsync();
  sims.stdin?.end();
  core.close();
}

/** The child: the simulated cameras, Frigate and broker; their addresses on the first line; gone when stdin closes. */
async function simulators(): Promise<void> {
  const a = await startSimCamera({ maxPullWaitMs: 60_000 });
  const b = await startSimCamera({ maxPullWaitMs: 60_000 });
  const broker = await startEmbeddedBroker(0);
  const frigate = await startSimFrigate({ mqttUrl: broker.url });
  console.log(JSON.stringify({ a: { port: a.port }, b: { port: b.port }, frigate: { url: frigate.url }, broker: { url: broker.url } }));
  await new Promise((resolve) => process.stdin.on('end', resolve).resume());
  await frigate.stop();
  await broker.close();
  await a.stop();
  await b.stop();
}

(process.argv[2] === '--simulators' ? simulators() : main()).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
