// openclaw_send_media by snapshot id: a generated picture (image_generate, fake images API) kept in the snapshot store
// goes to the chat inline (buffer + filename + contentType) through the gateway simulator, byte for byte; by URL as
// before; a missing, malformed or doubled reference is a clear error and nothing is sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenClawGatewaySimulator } from '../src/demo/openclaw/gateway';
import { type FakeImagesApi, startFakeImagesApi } from '../src/demo/images/server';
import { OpenClawPart } from '../src/drivers/openclaw/part';
import { registerImageGenerate } from '../src/drivers/web/images';
import type { TurnReply } from '../src/conversation/turn';
import { silentLogger } from '../src/log';
import { SnapshotStore } from '../src/snapshots/store';
import type { JsonObject } from '../src/types';
import { buildCore } from './helpers/core';
import { until } from './helpers/wait';

describe('openclaw_send_media', () => {
  let gw: OpenClawGatewaySimulator;
  let api: FakeImagesApi;
  let part: OpenClawPart;
  const core = buildCore({ actionTimeoutMs: 30_000 });
  const store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'butler-media-')) });
  const trusted = { source: 'api', trusted: true };

  before(async () => {
    gw = new OpenClawGatewaySimulator({ token: 'media-token-123', channels: ['telegram'], tickIntervalMs: 2000 });
    await gw.start();
    api = await startFakeImagesApi();
    registerImageGenerate(core.registry, { url: api.url, apiKey: api.key }, store);
    part = new OpenClawPart({
      url: gw.url,
      token: 'media-token-123',
      version: 'test',
      snapshots: () => store,
      answerMessages: false,
      isKnownRecipient: (channel, target) => channel === 'telegram' && target === '111',
    });
    part.start({
      registry: core.registry,
      ingest: core.ingest,
      converse: async () => ({ handled: false, reply: '' }) as unknown as TurnReply,
      log: silentLogger(),
    });
    await until('connected to the gateway', () => part.gateway?.connected);
  });
  after(async () => {
    await part.stop();
    await gw.stop();
    await api.stop();
    core.close();
  });

  test('a generated picture goes to the chat by snapshot id, byte for byte, with its caption', async () => {
    const out = await core.door.execute({
      actions: [{ action_type: 'image_generate', params: { prompt: 'a birthday card', size: '128x96' } }],
      origin: trusted,
    });
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    const id = (out.results[0].output as { images: Array<{ snapshot_id: string }> }).images[0].snapshot_id;
    const sent = await core.door.execute({
      actions: [
        { action_type: 'openclaw_send_media', params: { target: '111', channel: 'telegram', snapshot_id: id, caption: 'For you' } },
      ],
      origin: trusted,
    });
    const last = sent.results.at(-1)!;
    assert.equal(last.status, 'ok', JSON.stringify(last));
    const msg = gw.sent.at(-1)!;
    assert.equal(msg.to, '111');
    assert.equal(msg.message, 'For you');
    assert.equal(msg.mediaUrl, undefined);
    const { image } = store.read(id);
    assert.deepEqual(msg.media, {
      filename: `${id}.jpg`,
      contentType: 'image/jpeg',
      bytes: image.length,
      sha256: createHash('sha256').update(image).digest('hex'),
    });
    assert.equal(msg.idempotencyKey, `butler:${sent.plan_id}:0`);
  });

  test('by URL as before', async () => {
    const out = await core.door.execute({
      actions: [{ action_type: 'openclaw_send_media', params: { target: '111', channel: 'telegram', url: 'https://example.com/a.jpg' } }],
      origin: trusted,
    });
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    assert.equal(gw.sent.at(-1)!.mediaUrl, 'https://example.com/a.jpg');
    assert.equal(gw.sent.at(-1)!.media, undefined);
  });

  test('an unknown, malformed, doubled or missing reference is a clear error and nothing is sent', async () => {
    const before = gw.sent.length;
    const out = await core.door.execute({
      actions: [
        { action_type: 'openclaw_send_media', params: { target: '111', channel: 'telegram', snapshot_id: 'snap_1000000000000_deadbeef' } },
        { action_type: 'openclaw_send_media', params: { target: '111', channel: 'telegram', snapshot_id: '../../etc/passwd' } },
        {
          action_type: 'openclaw_send_media',
          params: { target: '111', channel: 'telegram', snapshot_id: 'snap_1000000000000_deadbeef', url: 'https://example.com/a.jpg' },
        },
        { action_type: 'openclaw_send_media', params: { target: '111', channel: 'telegram' } },
      ],
      origin: trusted,
    });
    const errors = out.results.map((r) => String((r.output as JsonObject).error));
    assert.match(errors[0], /no snapshot snap_1000000000000_deadbeef/);
    assert.match(errors[1], /snapshot_id/);
    assert.match(errors[2], /either snapshot_id or url, not both/);
    assert.match(errors[3], /say what to send, snapshot_id \(a kept snapshot\) or url/);
    assert.equal(gw.sent.length, before);
  });

  test('a stranger waits for a person', async () => {
    const out = await core.door.execute({
      actions: [{ action_type: 'openclaw_send_media', params: { target: '999', channel: 'telegram', url: 'https://example.com/a.jpg' } }],
      origin: { source: 'openclaw:telegram', trusted: false },
    });
    assert.equal(out.results[0].status, 'pending_confirmation');
  });
});
