// Camera frames from the DaShan robot (daShan/image) through a real broker into the snapshot store: a JPEG is kept
// and a dashan.image event names it; garbage, non-JPEG and oversized frames are refused and counted, nothing is kept,
// and the part keeps working; frames closer together than the minimum interval are skipped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import sharp from 'sharp';
import type { DashanOptions } from '../src/drivers/dashan/part';
import { SnapshotStore } from '../src/snapshots/store';
import type { ButlerEvent } from '../src/types';
import { type DashanRig, startDashan } from './helpers/dashan';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

const picture = (format: 'jpeg' | 'png', width = 32, height = 24) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    [format]()
    .toBuffer();
const frame = (image: Buffer | string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    timestamp: Date.now() / 1000,
    image: typeof image === 'string' ? image : image.toString('base64'),
    face_detected: false,
    ...extra,
  });

interface Rig extends DashanRig {
  store: SnapshotStore;
  events: ButlerEvent[];
}

async function rig(broker: TestBroker, opts: DashanOptions): Promise<Rig> {
  const store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'dashan-snap-')) });
  const r = await startDashan(broker, { ...opts, snapshots: store });
  const events: ButlerEvent[] = [];
  r.core.bus.on('event', (e) => e.type === 'dashan.image' && events.push(e), 'test');
  return { ...r, store, events };
}

describe('DaShan camera frames into the snapshot store', () => {
  let broker: TestBroker;
  let spy: MqttClient;
  let r: Rig;

  before(async () => {
    broker = await startMosquitto();
    spy = await mqtt.connectAsync(broker.url);
    r = await rig(broker, { prefix: 'daShan', imageMaxBytes: 16 * 1024, imageMinIntervalMs: 0 });
  });

  after(async () => {
    await r.stop();
    await spy.endAsync();
    await broker.stop();
  });

  test('a JPEG frame is kept; dashan.image names the snapshot, with the face', async () => {
    const jpeg = await picture('jpeg');
    // The part may not have subscribed yet when the first frame goes out: send until one is kept.
    const ev = await until('the dashan.image event', async () => {
      await spy.publishAsync('daShan/image', frame(jpeg, { face_detected: true, face_location: { x: 4, y: 5, w: 10, h: 12 } }), { qos: 1 });
      await new Promise((res) => setTimeout(res, 100));
      return r.events[0];
    });
    assert.equal(ev.source, 'dashan');
    const p = ev.payload as { snapshot_id: string; width: number; height: number; face_detected: boolean; face_location: unknown };
    assert.match(p.snapshot_id, /^snap_\d{13}_[0-9a-f]{8}$/);
    assert.deepEqual([p.width, p.height, p.face_detected], [32, 24, true]);
    assert.deepEqual(p.face_location, { x: 4, y: 5, w: 10, h: 12 });
    const kept = r.store.read(p.snapshot_id);
    assert.deepEqual(kept.image, jpeg);
    assert.deepEqual([kept.meta.source, kept.meta.camera], ['dashan', 'dashan']);
    r.core.audit.flush();
    assert.ok(r.core.audit.listEvents({ type: 'dashan.image' }).length >= 1, 'the event is recorded');
  });

  test('garbage, non-JPEG and oversized frames are refused and counted; nothing is kept; the next good frame is', async () => {
    const kept = r.store.count();
    const events = r.events.length;
    const refused = r.part.counters.images_refused;
    const png = await picture('png');
    const big = await sharp(randomBytes(200 * 200 * 3), { raw: { width: 200, height: 200, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    assert.ok(big.length > 16 * 1024, 'the big picture is over the part limit');
    const bad: (string | Buffer)[] = [
      'not json',
      JSON.stringify([1, 2, 3]),
      JSON.stringify({ timestamp: 1, image: 42 }),
      frame('!!!not base64!!!'),
      frame(png), // a PNG is not a JPEG
      frame(Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04])), // a JPEG header and nothing readable
      frame(big), // over the limit (refused before it is parsed)
      frame(Buffer.alloc(12 * 1024, 1)), // under the payload limit as base64, but not a picture
      Buffer.alloc(64 * 1024, 0x7b), // bytes over the payload limit
    ];
    for (const [i, b] of bad.entries()) {
      await spy.publishAsync('daShan/image', b, { qos: 1 });
      // One frame is checked at a time: wait for this one's verdict before the next.
      await until(`frame ${i} refused`, () => r.part.counters.images_refused >= refused + i + 1 || null);
    }
    assert.equal(r.part.counters.images_refused, refused + bad.length);
    assert.equal(r.store.count(), kept, 'nothing refused was kept');
    assert.equal(r.events.length, events);

    const jpeg = await picture('jpeg', 8, 8);
    await spy.publishAsync('daShan/image', frame(jpeg, { face_location: 'somewhere' }), { qos: 1 });
    const ev = await until('the next good frame', () => r.events[events]);
    assert.equal((ev.payload as { width: number }).width, 8);
    assert.equal('face_location' in ev.payload, false, 'a face location that is not numbers is left out');
    assert.equal(r.store.count(), kept + 1);
    const counts = r.part.metrics().find(([n]) => n === 'butler_dashan_messages_total')?.[1].samples ?? [];
    const refusedSample = counts.find(([l]) => l?.kind === 'images_refused');
    assert.equal(refusedSample?.[1], refused + bad.length, 'refused frames are a metric');
  });

  test('frames sooner than the minimum interval after a kept one are skipped, not kept', async () => {
    const slow = await rig(broker, { prefix: 'slowbot', imageMinIntervalMs: 60_000 });
    try {
      const jpeg = await picture('jpeg');
      await until('one frame kept', async () => {
        await spy.publishAsync('slowbot/image', frame(jpeg), { qos: 1 });
        await new Promise((res) => setTimeout(res, 100));
        return slow.events.length > 0 || null;
      });
      const skipped = slow.part.counters.images_skipped;
      await spy.publishAsync('slowbot/image', frame(jpeg), { qos: 1 });
      await until('the second frame skipped', () => slow.part.counters.images_skipped > skipped || null);
      assert.equal(slow.store.count(), 1);
      assert.equal(slow.events.length, 1);
    } finally {
      await slow.stop();
    }
  });

  test('without a snapshot store, frames are counted and dropped', async () => {
    const { part, stop } = await startDashan(broker, { prefix: 'nostore' });
    try {
      const jpeg = await picture('jpeg');
      await until('a frame dropped', async () => {
        await spy.publishAsync('nostore/image', frame(jpeg), { qos: 1 });
        await new Promise((res) => setTimeout(res, 100));
        return part.counters.images_dropped > 0 || null;
      });
      assert.equal(part.counters.images_saved, 0);
    } finally {
      await stop();
    }
  });
});
