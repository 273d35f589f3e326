// The snapshot store (JPEG files on disk, ids, checks, retention) and pictures prepared for vision (≤ 1568 px).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import fs = require('node:fs');
import { SnapshotsPart } from '../src/snapshots/part';
import { SnapshotStore } from '../src/snapshots/store';
import { prepareForVision, VISION_MAX_EDGE } from '../src/snapshots/vision';

const jpeg = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 1, g: 2, b: 3 } } })
    .jpeg()
    .toBuffer();
const newStore = (o: { maxBytes?: number; retentionDays?: number; maxCount?: number } = {}) =>
  new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'snap-')), ...o });

test('a JPEG is kept as a file with its metadata and read back by id', async () => {
  const store = newStore();
  const img = await jpeg(320, 200);
  const meta = await store.save(img, { source: 'onvif', camera: 'porch' });
  assert.match(meta.id, /^snap_\d{13}_[0-9a-f]{8}$/);
  assert.deepEqual([meta.width, meta.height, meta.bytes], [320, 200, img.length]);
  assert.ok(existsSync(join(store.dir, `${meta.id}.jpg`)));
  assert.deepEqual(store.read(meta.id).image, img);
  assert.equal(store.latest('porch')?.id, meta.id);
});

test('oversized, non-JPEG, empty and truncated data are refused and nothing is written', async () => {
  const store = newStore({ maxBytes: 2000 });
  await assert.rejects(
    store.save(await jpeg(800, 800).then((b) => Buffer.concat([b, Buffer.alloc(5000)])), { source: 'x', camera: 'c' }),
    /over the 2000-byte limit/,
  );
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  await assert.rejects(store.save(png, { source: 'x', camera: 'c' }), /not a JPEG \(it is png\)/);
  await assert.rejects(store.save(Buffer.alloc(0), { source: 'x', camera: 'c' }), /not a JPEG/);
  await assert.rejects(store.save(Buffer.from('{"json": true}'), { source: 'x', camera: 'c' }), /not a JPEG/);
  assert.equal(readdirSync(store.dir).length, 0);
  assert.equal(store.refused, 4);
});

test('the count is kept in memory: right over save, prune and a restart; a health check reads no folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snap-count-'));
  const onDisk = () => readdirSync(dir).filter((f) => f.endsWith('.jpg')).length;
  const store = new SnapshotStore({ dir, retentionDays: 1, maxCount: 3 });
  const img = await jpeg(16, 16);
  assert.equal(store.count(), 0);
  for (let i = 1; i <= 5; i++) {
    await store.save(img, { source: 'x', camera: 'c' });
    assert.equal(store.count(), i);
  }
  await assert.rejects(store.save(Buffer.from('not a picture'), { source: 'x', camera: 'c' }), /not a JPEG/);
  assert.deepEqual([store.count(), onDisk()], [5, 5], 'a refused picture is not counted');
  assert.equal(store.prune(), 2, 'the two oldest beyond three go');
  assert.deepEqual([store.count(), onDisk()], [3, 3]);

  const restarted = new SnapshotStore({ dir, retentionDays: 1, maxCount: 3 });
  assert.equal(restarted.count(), 3, 'the count is read from the folder at start');
  await restarted.save(img, { source: 'x', camera: 'c' });
  assert.deepEqual([restarted.count(), onDisk()], [4, 4]);
  assert.equal(restarted.prune(Date.now() + 2 * 86_400_000), 4);
  assert.deepEqual([restarted.count(), onDisk()], [0, 0]);

  const part = new SnapshotsPart({ dataDir: mkdtempSync(join(tmpdir(), 'snap-part-')), retentionDays: 7 });
  await part.store.save(img, { source: 'x', camera: 'c' });
  const readdir = fs.readdirSync;
  let scans = 0;
  fs.readdirSync = ((...args: Parameters<typeof readdir>) => {
    scans++;
    return readdir(...args);
  }) as typeof readdir;
  try {
    assert.deepEqual(part.health(), { ok: true, detail: '1 snapshots kept' });
  } finally {
    fs.readdirSync = readdir;
  }
  assert.equal(scans, 0, 'the health check scanned the folder');
});

test('ids are checked before any file is touched: traversal and unknown ids are refused', () => {
  const store = newStore();
  assert.throws(() => store.read('../api-token'), /is not a snapshot id/);
  assert.throws(() => store.read('snap_1700000000000_deadbeef'), /no snapshot snap_1700000000000_deadbeef/);
});

test('retention drops pictures older than the period and the oldest beyond the count cap', async () => {
  const store = newStore({ retentionDays: 1, maxCount: 2 });
  const img = await jpeg(16, 16);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await store.save(img, { source: 'x', camera: 'c' })).id);
  assert.equal(store.prune(), 1, 'the oldest beyond two goes');
  assert.throws(() => store.read(ids[0]), /no snapshot/);
  assert.equal(store.prune(Date.now() + 2 * 86_400_000), 2, 'two days later the rest are past retention');
  assert.equal(store.count(), 0);
});

test('pictures for vision are downscaled to a long edge of 1568 px, never enlarged', async () => {
  const big = await prepareForVision(await jpeg(4000, 3000));
  assert.equal(Math.max(big.width, big.height), VISION_MAX_EDGE);
  assert.equal(big.width, 1568);
  assert.equal(big.height, 1176);
  assert.equal(big.tokens, Math.ceil((1568 * 1176) / 750));
  const small = await prepareForVision(await jpeg(640, 360));
  assert.deepEqual([small.width, small.height], [640, 360]);
  assert.equal((await sharp(small.data).metadata()).format, 'jpeg');
});
