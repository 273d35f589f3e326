// The memory actions through the one door, and /api/memories over a real HTTP socket on a temp SQLite file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildCore, type Core } from './helpers/core';
import { silentLogger } from '../src/log';
import { createHttpHost, type HttpHost } from '../src/server/http';
import { identify, type AuthOptions } from '../src/server/auth';
import { MemoryStore } from '../src/brain/memory/store';
import { registerMemoryActions, recallReply } from '../src/brain/memory/actions';
import { registerMemoryRoutes } from '../src/server/routes/memory';
import { handleIntent } from '../src/brain/intents/handler';
import type { RecognizedIntent } from '../src/brain/intents/types';
import type { HomeModel } from '../src/brain/intents/home';
import type { JsonObject, Origin } from '../src/types';

let core: Core;
let memory: MemoryStore;
let http: HttpHost;
let base = '';
const token = 'memory-test-token';
const owner: Origin = { source: 'api', trusted: true, user: 'anna' };

before(async () => {
  core = buildCore();
  memory = new MemoryStore(core.db, { log: silentLogger() });
  registerMemoryActions({ registry: core.registry, memory });
  http = createHttpHost(silentLogger());
  const auth: AuthOptions = { token, ingressProxies: [] };
  http.app.decorateRequest('identity', null);
  http.app.addHook('onRequest', async (req, reply) => {
    req.identity = identify(req.raw, auth);
    if (!req.identity) return reply.code(401).send({ error: 'unauthorized' });
  });
  registerMemoryRoutes({ http, door: core.door, memory });
  const port = await http.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  await http.close();
  // HttpHost.close() leaves a server that was listened on directly open (Fastify only closes what it listened on).
  if (http.server.listening) await new Promise((resolve) => http.server.close(resolve));
  core.close();
});

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  raw?: string,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return { status: r.status, body: (await r.json()) as T };
}

test("the offline understanding's params match the actions exactly: remember, then recall says it", async () => {
  const home = {} as HomeModel;
  const remember = handleIntent(
    { name: 'ButlerRemember', slots: { fact: 'Anna likes the bedroom at 20 degrees' } } as unknown as RecognizedIntent,
    home,
    'en',
  );
  const plan = await core.door.execute({ actions: remember.actions, origin: owner });
  assert.equal(plan.results[0].status, 'ok', JSON.stringify(plan.results[0].output));
  const recall = handleIntent({ name: 'ButlerRecall', slots: { topic: 'the bedroom' } } as unknown as RecognizedIntent, home, 'en');
  const r = await core.door.execute({ actions: recall.actions, origin: owner });
  assert.equal(r.results[0].status, 'ok', JSON.stringify(r.results[0].output));
  const out = r.results[0].output as { reply: string; count: number; memories: { text: string }[] };
  assert.equal(out.count, 1);
  assert.equal(out.reply, 'I remember that Anna likes the bedroom at 20 degrees.');
  const none = await core.door.execute({ actions: [{ action_type: 'memory_recall', params: { query: 'the garage' } }], origin: owner });
  assert.equal((none.results[0].output as { reply: string }).reply, "I don't know anything about the garage yet.");
});

test('actions reject bad params with errors naming the field, and the door keeps serving', async () => {
  const cases: [string, JsonObject, RegExp][] = [
    ['memory_remember', {}, /missing required property "text"/],
    ['memory_remember', { text: '' }, /\/text: must NOT have fewer than 1 characters/],
    ['memory_remember', { text: '   ' }, /\/text: must match pattern/],
    ['memory_remember', { text: 'x'.repeat(2001) }, /\/text: must NOT have more than 2000 characters/],
    ['memory_remember', { text: 'ok', extra: 1 }, /unknown property "extra"/],
    ['memory_recall', { query: 5 }, /\/query: must be string/],
    ['memory_recall', { query: 'x', limit: 0 }, /\/limit: must be >= 1/],
    ['memory_forget', { id: 'one' }, /\/id: must be integer/],
  ];
  for (const [action_type, params, re] of cases) {
    const p = await core.door.execute({ actions: [{ action_type, params }], origin: owner });
    assert.equal(p.results[0].status, 'error', `${action_type} ${JSON.stringify(params).slice(0, 40)}`);
    assert.match((p.results[0].output as { error: string }).error, re);
  }
  const forget = await core.door.execute({ actions: [{ action_type: 'memory_forget', params: { id: 999 } }], origin: owner });
  assert.equal(forget.results[0].status, 'error');
  assert.match((forget.results[0].output as { error: string }).error, /no memory with id 999/);
  const hostile = await core.door.execute({ actions: [{ action_type: 'memory_recall', params: { query: '"*( OR NEAR' } }], origin: owner });
  assert.equal(hostile.results[0].status, 'ok');
});

test('an untrusted origin stores a memory marked untrusted', async () => {
  const p = await core.door.execute({
    actions: [{ action_type: 'memory_remember', params: { text: 'The code for the safe is 1234', subject: 'safe' } }],
    origin: { source: 'messaging', trusted: false, untrusted_input: true },
  });
  assert.equal(p.results[0].status, 'ok');
  const id = (p.results[0].output as { id: number }).id;
  assert.equal(memory.get(id)?.trusted, false);
  assert.equal(memory.get(id)?.source, 'messaging');
});

test('POST, GET and DELETE /api/memories go through the door and are audited', async () => {
  const created = await api<{ plan_id: string; result: { id: number; duplicate: boolean } }>('POST', '/api/memories', {
    text: 'Ben takes the bus at 8',
    subject: 'Ben',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.result.id;
  assert.equal(core.audit.getPlan(created.body.plan_id)?.plan.source, 'api', 'recorded with the request origin');
  const again = await api<{ result: { id: number; duplicate: boolean } }>('POST', '/api/memories', {
    text: 'Ben takes the bus at 8',
    subject: 'Ben',
  });
  assert.equal(again.status, 200);
  assert.equal(again.body.result.duplicate, true);

  const found = await api<{ mode: string; memories: { id: number; subject: string }[] }>('GET', '/api/memories?q=bus&limit=3');
  assert.equal(found.status, 200);
  assert.equal(found.body.mode, 'fts');
  assert.equal(found.body.memories[0].id, id);
  const recent = await api<{ mode: string; total: number; memories: { id: number }[] }>('GET', '/api/memories?limit=2');
  assert.equal(recent.body.mode, 'recent');
  assert.equal(recent.body.memories.length, 2);
  assert.equal(recent.body.memories[0].id, id);

  const del = await api<{ result: { forgotten: boolean } }>('DELETE', `/api/memories/${id}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal(del.body.result.forgotten, true);
  const gone = await api<{ error: string }>('DELETE', `/api/memories/${id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error, `no memory with id ${id}`);
});

test('bad requests get a 400 naming what was wrong, and the API keeps serving', async () => {
  const bad: [string, string, unknown, string | undefined][] = [
    ['POST', '/api/memories', {}, undefined],
    ['POST', '/api/memories', { text: '' }, undefined],
    ['POST', '/api/memories', { text: ' \t ' }, undefined],
    ['POST', '/api/memories', { text: 'x'.repeat(5000) }, undefined],
    ['POST', '/api/memories', { text: 'a', admin: true }, undefined],
    ['POST', '/api/memories', undefined, '{"text": "unterminated'],
    ['GET', '/api/memories?limit=zero', undefined, undefined],
    ['GET', `/api/memories?q=${'y'.repeat(600)}`, undefined, undefined],
    ['DELETE', '/api/memories/abc', undefined, undefined],
    ['DELETE', '/api/memories/0', undefined, undefined],
  ];
  for (const [method, path, body, raw] of bad) {
    const r = await api<{ error?: string; message?: string }>(method, path, body, raw);
    assert.equal(r.status, 400, `${method} ${path.slice(0, 40)} ${JSON.stringify(body ?? raw)?.slice(0, 40)}: ${JSON.stringify(r.body)}`);
    assert.ok((r.body.error ?? r.body.message ?? '').length > 0);
  }
  const hostile = await api<{ memories: unknown[] }>('GET', `/api/memories?q=${encodeURIComponent('"bus* OR (NEAR')}`);
  assert.equal(hostile.status, 200);
  const noAuth = await fetch(`${base}/api/memories`);
  assert.equal(noAuth.status, 401);
  await noAuth.body?.cancel();
  assert.equal((await api('GET', '/api/memories')).status, 200);
});

test('recall replies in Chinese for a Chinese question', () => {
  assert.equal(recallReply('卧室', [{ text: '奶奶喜欢卧室二十二度', subject: null }]), '我记得：奶奶喜欢卧室二十二度。');
  assert.equal(recallReply('厨房', []), '关于厨房，我还什么都不知道。');
  assert.equal(recallReply('', []), "I haven't been asked to remember anything yet.");
  assert.equal(
    recallReply('pets', [
      { text: 'Rex eats at 7.', subject: 'Rex' },
      { text: 'Tom is a cat', subject: null },
    ]),
    'Here is what I remember: Rex: Rex eats at 7; Tom is a cat.',
  );
});

test('PUT /api/memories/:id corrects a memory through the door: the text is searchable, the editor vouches for it', async () => {
  const p = await core.door.execute({
    actions: [{ action_type: 'memory_remember', params: { text: 'The plumber comes on Fridy', subject: 'plumber' } }],
    origin: { source: 'messaging', trusted: false, untrusted_input: true },
  });
  const id = (p.results[0].output as { id: number }).id;
  assert.equal(memory.get(id)?.trusted, false);

  const put = await api<{ plan_id: string; result: { text: string; subject: string; source: string; trusted: boolean } }>(
    'PUT',
    `/api/memories/${id}`,
    { text: '  The plumber comes on   Friday ', subject: 'plumber' },
  );
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual(
    { text: put.body.result.text, source: put.body.result.source, trusted: put.body.result.trusted },
    { text: 'The plumber comes on Friday', source: 'api', trusted: true },
  );
  assert.equal(core.audit.getPlan(put.body.plan_id)?.results[0].action_type, 'memory_update', 'the edit is an audited action');
  const m = memory.get(id)!;
  assert.equal(m.user, 'token');
  const hits = await api<{ memories: { id: number }[] }>('GET', '/api/memories?q=Friday');
  assert.deepEqual(
    hits.body.memories.map((x) => x.id),
    [id],
  );
  const old = await api<{ memories: { id: number }[] }>('GET', '/api/memories?q=Fridy');
  assert.deepEqual(old.body.memories, [], 'the old text is gone from the index');
});

test('PUT /api/memories/:id refuses bad input naming the field, an unknown id, and a duplicate of another memory', async () => {
  const a = await api<{ result: { id: number } }>('POST', '/api/memories', { text: 'The bins go out on Monday' });
  const b = await api<{ result: { id: number } }>('POST', '/api/memories', { text: 'The recycling goes out on Tuesday' });
  // (This bare host has Fastify's own 400 answer; the butler's error handler words it, as the other tests show.)
  const empty = await api<{ message: string }>('PUT', `/api/memories/${a.body.result.id}`, { text: '' });
  assert.equal(empty.status, 400);
  assert.match(empty.body.message, /text/);
  const extra = await api<{ message: string }>('PUT', `/api/memories/${a.body.result.id}`, { text: 'x', trusted: true });
  assert.equal(extra.status, 400);
  assert.match(extra.body.message, /trusted|additional/);
  const missing = await api<{ error: string }>('PUT', '/api/memories/999999', { text: 'anything' });
  assert.equal(missing.status, 404);
  assert.match(missing.body.error, /no memory with id 999999/);
  const dup = await api<{ error: string }>('PUT', `/api/memories/${b.body.result.id}`, { text: 'The bins go out on Monday' });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error, new RegExp(`the same memory is already kept \\(id ${a.body.result.id}\\)`));
  assert.equal(memory.get(b.body.result.id)?.text, 'The recycling goes out on Tuesday', 'nothing changed');
});
