// image_generate through the door against the fake OpenAI-compatible images API: pictures of the asked size land in
// the snapshot store as JPEGs (from b64_json or from a url), the request carries the key and model; a wrong key,
// garbage answers and bad params are clear errors; nothing configured says how to turn it on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerImageGenerate } from '../src/drivers/web/images';
import { type FakeImagesApi, startFakeImagesApi } from '../src/demo/images/server';
import { SnapshotStore } from '../src/snapshots/store';
import type { JsonObject } from '../src/types';
import { buildCore } from './helpers/core';

describe('image_generate', () => {
  let api: FakeImagesApi;
  const core = buildCore({ actionTimeoutMs: 30_000 });
  const store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'butler-images-')) });
  before(async () => {
    api = await startFakeImagesApi({ key: 'sk-images-secret' });
    registerImageGenerate(core.registry, { url: api.url, apiKey: 'sk-images-secret', model: 'dall-e-3' }, store);
  });
  after(async () => {
    await api.stop();
    core.close();
  });
  const run = async (params: JsonObject, c = core) =>
    (await c.door.execute({ actions: [{ action_type: 'image_generate', params }], origin: { source: 'api', trusted: true } })).results[0];

  test('pictures land in the snapshot store as JPEGs of the asked size', async () => {
    const r = await run({ prompt: 'a cat wearing a butler hat', size: '320x240', n: 2 });
    assert.equal(r.status, 'ok', JSON.stringify(r));
    const out = r.output as { count: number; images: Array<{ snapshot_id: string; width: number; height: number; url: string }> };
    assert.equal(out.count, 2);
    for (const img of out.images) {
      const { meta, image } = store.read(img.snapshot_id);
      assert.equal(meta.source, 'image');
      assert.equal(meta.camera, 'generated');
      assert.deepEqual([meta.width, meta.height, img.width, img.height], [320, 240, 320, 240]);
      assert.equal(image[0], 0xff, 'a JPEG');
      // relative, like every other picture link, so it works under the ingress prefix too
      assert.equal(img.url, `api/snapshots/${img.snapshot_id}`);
    }
    assert.deepEqual(api.requests.at(-1), {
      prompt: 'a cat wearing a butler hat',
      n: 2,
      size: '320x240',
      model: 'dall-e-3',
      response_format: 'b64_json',
    });
    api.answerUrls = true;
    try {
      const byUrl = await run({ prompt: 'a dog', size: '64x64' });
      assert.equal(byUrl.status, 'ok', JSON.stringify(byUrl));
      const id = (byUrl.output as { images: Array<{ snapshot_id: string }> }).images[0].snapshot_id;
      assert.equal(store.meta(id).width, 64);
    } finally {
      api.answerUrls = false;
    }
  });

  test('garbage answers are refused with a clear error and nothing is kept', async () => {
    const before = store.count();
    const cases: Array<[FakeImagesApi['mode'], RegExp]> = [
      ['not-json', /image generation failed: the images API did not answer JSON/],
      ['no-data', /image generation failed: the images API answered no "data" list of images/],
      ['not-an-image', /image generation failed: image 1 in the answer is not a picture/],
      ['empty-item', /image generation failed: image 1 in the answer has neither b64_json nor an http\(s\) url/],
    ];
    for (const [mode, re] of cases) {
      api.mode = mode;
      try {
        const r = await run({ prompt: 'x', size: '64x64' });
        assert.equal(r.status, 'error', mode);
        assert.match(String((r.output as JsonObject).error), re);
      } finally {
        api.mode = 'ok';
      }
    }
    assert.equal(store.count(), before);
  });

  test('a wrong key, an API error and bad params are named; the key never shows', async () => {
    const c = buildCore({ actionTimeoutMs: 30_000 });
    registerImageGenerate(c.registry, { url: api.url, apiKey: 'sk-wrong-key-77' }, store);
    const r = await run({ prompt: 'x' }, c);
    const err = String((r.output as JsonObject).error);
    assert.match(err, /image generation failed: the images API answered HTTP 401: Incorrect API key provided\. \(check image_api_key\)/);
    assert.doesNotMatch(err, /sk-wrong-key-77/);
    c.close();
    const bad = await run({ prompt: 'x', size: 'huge' });
    assert.match(String((bad.output as JsonObject).error), /size/);
    const many = await run({ prompt: 'x', n: 9 });
    assert.match(String((many.output as JsonObject).error), /n/);
    const unknown = await run({ prompt: 'x', style: 'vivid' });
    assert.match(String((unknown.output as JsonObject).error), /style/);
  });

  test('without image_api_url the action says how to turn it on', async () => {
    const c = buildCore();
    registerImageGenerate(c.registry, {}, store);
    const r = await run({ prompt: 'x' }, c);
    assert.match(String((r.output as JsonObject).error), /image generation is off: set image_api_url/);
    c.close();
  });
});
