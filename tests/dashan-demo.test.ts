// The real butler in demo mode runs the DaShan part with a simulated robot on its own broker: healthy, and an
// expression set through the API reaches the robot (its merged status shows it); camera frames on daShan/image land in
// the snapshot store, served by the API and named by a dashan.image event, and garbage frames are counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { until } from './helpers/wait';

let butler: ButlerProcess;
before(async () => {
  butler = await spawnButler();
});
after(() => butler.stop());

type Health = { components: Record<string, { ok: boolean; detail: string }> };

test('the demo robot is online and obeys an expression sent through the door', async () => {
  await until('dashan online', async () => (await butler.api<Health>('GET', '/api/health')).body.components?.dashan?.ok || null);
  const r = await butler.api<{ results: { status: string; output: unknown }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'dashan_expression', params: { expression: 'happy' } }],
  });
  assert.equal(r.status, 200);
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
  const h = await until('status shows happy', async () => {
    const d = (await butler.api<Health>('GET', '/api/health')).body.components.dashan.detail;
    return /happy/.test(d) ? d : null;
  });
  assert.match(h, /online \(WAKE, happy/);
});

test('a camera frame from the robot is a snapshot the API serves; a garbage frame is counted and the butler goes on', async () => {
  assert.ok(butler.mqttUrl, 'the banner names the broker');
  const client = await mqtt.connectAsync(butler.mqttUrl);
  try {
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 200, b: 90 } } })
      .jpeg()
      .toBuffer();
    await client.publishAsync('daShan/image', 'garbage', { qos: 1 });
    await client.publishAsync(
      'daShan/image',
      JSON.stringify({ timestamp: Date.now() / 1000, image: jpeg.toString('base64'), face_detected: true }),
      {
        qos: 1,
      },
    );
    type Snapshots = { snapshots: { id: string; camera: string; source: string; width: number }[] };
    const snap = await until('the frame in the snapshot store', async () => {
      return (await butler.api<Snapshots>('GET', '/api/snapshots?camera=dashan')).body.snapshots?.[0];
    });
    assert.deepEqual([snap.source, snap.width], ['dashan', 40]);
    const res = await fetch(`${butler.url}/api/snapshots/${snap.id}`, { headers: { authorization: `Bearer ${butler.token}` } });
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), jpeg);
    const ev = await until('the dashan.image event', async () => {
      return (
        await butler.api<{ events: { payload: { snapshot_id: string; face_detected: boolean } }[] }>('GET', '/api/events?type=dashan.image')
      ).body.events?.[0];
    });
    assert.deepEqual(ev.payload.snapshot_id, snap.id);
    assert.equal(ev.payload.face_detected, true);
    const metrics = await fetch(`${butler.url}/api/metrics`, { headers: { authorization: `Bearer ${butler.token}` } }).then((r) =>
      r.text(),
    );
    assert.match(metrics, /butler_dashan_messages_total\{kind="images_refused"\} 1\b/);
    assert.equal((await butler.api<Health>('GET', '/api/health')).body.components.dashan.ok, true);
  } finally {
    await client.endAsync();
  }
});
