// The messaging nodes in the real Node-RED runtime (node-red-node-test-helper) on the real door: message in (filtered
// by channel and sender, with an untrusted origin), send (send_message to the directory through the gateway
// simulator; a stranger waits), web search (fake SearXNG) and image (fake images API, pictures in the snapshot
// store); bad input reaches Catch nodes with what was wrong, and the runtime keeps going.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenClawGatewaySimulator } from '../src/demo/openclaw/gateway';
import { type FakeImagesApi, startFakeImagesApi } from '../src/demo/images/server';
import { type FakeSearxng, startFakeSearxng } from '../src/demo/searxng/server';
import { sendParams } from '../src/drivers/openclaw/actions';
import { OpenClawPart } from '../src/drivers/openclaw/part';
import { registerImageGenerate } from '../src/drivers/web/images';
import { registerWebSearch } from '../src/drivers/web/search';
import type { TurnReply } from '../src/conversation/turn';
import { silentLogger } from '../src/log';
import { PeoplePart } from '../src/people/part';
import { SnapshotStore } from '../src/snapshots/store';
import { type HomeAndCore, startHomeAndCore } from './helpers/core';
import { helper, nextInput as next, startNodeRed } from './helpers/node-red';
import { until } from './helpers/wait';
import messageIn = require('../nodes/butler-message-in/butler-message-in');
import send = require('../nodes/butler-send/butler-send');
import webSearch = require('../nodes/butler-web-search/butler-web-search');
import image = require('../nodes/butler-image/butler-image');
import execute = require('../nodes/butler-execute/butler-execute');

let env: HomeAndCore;
let gw: OpenClawGatewaySimulator;
let searx: FakeSearxng;
let images: FakeImagesApi;
let openclaw: OpenClawPart;
const store = new SnapshotStore({ dir: mkdtempSync(join(tmpdir(), 'butler-msg-nodes-')) });

before(async () => {
  env = await startHomeAndCore({ actionTimeoutMs: 20_000 });
  const c = env.core;
  gw = new OpenClawGatewaySimulator({ token: 'nodes-token-1234', channels: ['telegram'], tickIntervalMs: 2000 });
  await gw.start();
  searx = await startFakeSearxng();
  images = await startFakeImagesApi();
  const people = new PeoplePart({
    people: [{ name: 'Mum', openclaw: { channel: 'telegram', target: '111' } }],
    channels: {
      openclaw: (to, message, key) => openclaw.send(sendParams({ target: to.target, message, channel: to.channel ?? null }, key)),
    },
  });
  openclaw = new OpenClawPart({
    url: gw.url,
    token: 'nodes-token-1234',
    version: 'test',
    answerMessages: false,
    isKnownRecipient: people.isKnownRecipient,
  });
  openclaw.start({
    registry: c.registry,
    ingest: c.ingest,
    converse: async () => ({ handled: false, reply: '' }) as unknown as TurnReply,
    log: silentLogger(),
  });
  people.start({ registry: c.registry, log: silentLogger() });
  registerWebSearch(c.registry, { url: searx.url });
  registerImageGenerate(c.registry, { url: images.url, apiKey: images.key }, store);
  await until('connected to the gateway', () => openclaw.gateway?.connected);
  startNodeRed(c, env.ha);
  await helper.load(
    [messageIn, send, webSearch, image, execute],
    [
      { id: 'tab', type: 'tab' },
      { id: 'in-email', z: 'tab', type: 'butler-message-in', channels: 'email', senders: '', version: 1, wires: [['got-email']] },
      {
        id: 'in-alex',
        z: 'tab',
        type: 'butler-message-in',
        channels: 'telegram',
        senders: 'Alex',
        version: 1,
        wires: [['got-alex', 'act']],
      },
      { id: 'got-email', z: 'tab', type: 'helper' },
      { id: 'got-alex', z: 'tab', type: 'helper' },
      // A flow that obeys whatever the chat says: it still acts with the sender's (untrusted) origin.
      {
        id: 'act',
        z: 'tab',
        type: 'butler-execute',
        version: 1,
        action_type: 'ha_call_service',
        params: '{"domain":"lock","service":"unlock","target":{"entity_id":"lock.front_door"}}',
        wires: [['acted']],
      },
      { id: 'acted', z: 'tab', type: 'helper' },
      { id: 'send-mum', z: 'tab', type: 'butler-send', person: 'Mum', target: '', channel: '', via: '', version: 1, wires: [['out']] },
      { id: 'search', z: 'tab', type: 'butler-web-search', limit: 2, version: 1, wires: [['out']] },
      { id: 'draw', z: 'tab', type: 'butler-image', size: '64x48', n: 1, version: 1, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
    ],
  );
});

after(async () => {
  await helper.unload();
  await openclaw.stop();
  await gw.stop();
  await searx.stop();
  await images.stop();
  await env.stop();
});

test('message in: filtered by channel and sender, with the text, the message and an untrusted origin', async () => {
  const email: Record<string, unknown>[] = [];
  helper.getNode('got-email').on('input', (m) => email.push(m));
  const alex = next('got-alex');
  const acted = next('acted');
  env.core.ingest.emit('message.received', 'openclaw:telegram', { channel: 'telegram', from: 'Bob', text: 'hi', message_id: '1' });
  env.core.ingest.emit('message.received', 'openclaw:telegram', {
    channel: 'telegram',
    from: 'Alex',
    text: 'unlock the front door',
    message_id: '2',
  });
  const m = await alex;
  assert.equal(m.topic, 'telegram');
  assert.equal(m.payload, 'unlock the front door');
  assert.deepEqual(m.origin, { source: 'openclaw:telegram', trusted: false, user: 'Alex', untrusted_input: true });
  // The flow obeyed the chat, but the door saw the chat as the asker: a confirmation, not an unlock.
  const r = await acted;
  assert.equal((r.payload as { results: Array<{ status: string }> }).results[0].status, 'pending_confirmation');
  assert.equal(env.home.getState('lock.front_door')?.state, 'locked');
  env.core.ingest.emit('message.received', 'email', { channel: 'email', from: 'x@evil.example', text: 'Subject\n\nbody', message_id: '3' });
  await until('the email message', () => email.length === 1);
  assert.equal(email[0].payload, 'Subject\n\nbody');
  assert.equal((email[0].message as { from: string }).from, 'x@evil.example');
});

test('send: Mum by name through the gateway; a stranger waits; a payload without text reaches Catch', async () => {
  let got = next('out');
  helper.getNode('send-mum').receive({ payload: 'dinner is ready' });
  const m = await got;
  assert.equal((m.payload as { via: string }).via, 'openclaw');
  assert.ok(gw.sent.find((s) => s.to === '111' && s.message === 'dinner is ready'));
  got = next('out');
  helper.getNode('send-mum').receive({
    payload: { target: '999', channel: 'telegram', message: 'the code' },
    origin: { source: 'openclaw:telegram', trusted: false },
  });
  const waiting = await got;
  assert.ok(
    env.core.confirmations.list('pending').some((c) => c.plan_id === waiting.plan_id),
    'the send to a stranger waits for a person',
  );
  assert.equal(gw.sent.filter((s) => s.to === '999').length, 0);
  const caught = next('caught');
  helper.getNode('send-mum').receive({ payload: 42 });
  assert.match(String(((await caught).error as { message: string }).message), /no message: send the text as msg\.payload/);
});

test('web search and image: results and pictures; garbage from the images API reaches Catch', async () => {
  searx.results = [1, 2, 3].map((i) => ({ url: `https://e.example/${i}`, title: `T${i}`, content: 'c' }));
  let got = next('out');
  helper.getNode('search').receive({ payload: 'library hours' });
  const s = (await got).payload as { untrusted: boolean; results: unknown[] };
  assert.equal(s.untrusted, true);
  assert.equal(s.results.length, 2);
  assert.equal(searx.queries.at(-1), 'library hours');

  got = next('out');
  helper.getNode('draw').receive({ payload: 'a lighthouse' });
  const img = (await got).payload as { images: Array<{ snapshot_id: string }> };
  assert.equal(store.meta(img.images[0].snapshot_id).width, 64);
  assert.equal(images.requests.at(-1)?.size, '64x48');

  images.mode = 'not-json';
  const caught = next('caught');
  helper.getNode('draw').receive({ payload: 'x' });
  try {
    assert.match(
      String(((await caught).error as { message: string }).message),
      /image_generate: image generation failed: the images API did not answer JSON/,
    );
  } finally {
    images.mode = 'ok';
  }
  const noQuery = next('caught');
  helper.getNode('search').receive({ payload: { limit: 2 } });
  assert.match(String(((await noQuery).error as { message: string }).message), /no query/);
});
