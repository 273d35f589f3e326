import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type OpenedDb } from '../src/store/db';
import { createFlowStorage, type FlowStorage } from '../src/flows/storage';
import {
  CredentialSecretError,
  SECRET_FILE,
  decryptCredentials,
  encryptCredentials,
  resolveCredentialSecret,
} from '../src/flows/credentials';
import { diffFlows } from '../src/flows/diff';
import { FlowConversations } from '../src/flows/conversations';
import { loadShippedFlows, defaultFlowsDir } from '../src/flows/runtime';

const tab = { id: 't1', type: 'tab', label: 'Main' };
const a = { id: 'a', type: 'inject', z: 't1', x: 10, y: 10, wires: [['b']] };
const b = { id: 'b', type: 'debug', z: 't1', x: 100, y: 10, name: 'out', wires: [] };

describe('flow storage on SQLite', () => {
  let dir: string;
  let db: OpenedDb;
  let storage: FlowStorage;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flows-storage-'));
    db = openDatabase(join(dir, 'butler.db'));
    storage = createFlowStorage(db);
  });
  after(() => db.close());

  test('settings and sessions are own properties, so Node-RED sees them (hasOwnProperty trap)', async () => {
    for (const name of [
      'getSettings',
      'saveSettings',
      'getSessions',
      'saveSessions',
      'getFlows',
      'saveFlows',
      'getCredentials',
      'saveCredentials',
      'getLibraryEntry',
      'saveLibraryEntry',
      'init',
    ]) {
      assert.ok(Object.hasOwn(storage, name), `${name} must be an own property`);
    }
    // Through Node-RED's own storage layer, which is what decides whether settings persist.
    const nrStorage = require('@node-red/runtime/lib/storage') as {
      init(runtime: unknown): Promise<void>;
      saveSettings(s: unknown): Promise<void>;
      getSettings(): Promise<unknown>;
      saveSessions(s: unknown): Promise<void>;
      getSessions(): Promise<unknown>;
    };
    await nrStorage.init({ settings: { storageModule: storage } });
    await nrStorage.saveSettings({ users: { token: { editor: { view: { 'view-grid-size': 10 } } } }, _credentialSecret: 'never stored' });
    assert.deepEqual(await nrStorage.getSettings(), { users: { token: { editor: { view: { 'view-grid-size': 10 } } } } });
    const raw = db.sqlite.prepare('SELECT key FROM nr_settings').all() as { key: string }[];
    assert.deepEqual(
      raw.map((r) => r.key),
      ['users'],
      'the credential secret never lands in the settings table',
    );
    await nrStorage.saveSessions({ abc: { user: 'token', expires: 1 } });
    assert.deepEqual(await nrStorage.getSessions(), { abc: { user: 'token', expires: 1 } });
  });

  test('seeding writes the first revision once', () => {
    assert.equal(storage.seedIfEmpty([tab, a], 'butler'), true);
    assert.equal(storage.seedIfEmpty([tab], 'butler'), false);
    const [r] = storage.listRevisions();
    assert.equal(r.kind, 'initial');
    assert.equal(r.user, 'butler');
    assert.deepEqual(
      r.summary.added.map((n) => n.id),
      ['t1', 'a'],
    );
  });

  test('every deploy is a revision with who and what changed', async () => {
    await storage.saveFlows([tab, { ...a, x: 50 }, b], { username: 'alice', permissions: '*' });
    assert.deepEqual(await storage.getFlows(), [tab, { ...a, x: 50 }, b]);
    const [latest] = storage.listRevisions({ limit: 1 });
    assert.equal(latest.kind, 'deploy');
    assert.equal(latest.user, 'alice');
    assert.deepEqual(latest.summary.added, [{ id: 'b', type: 'debug', name: 'out', z: 't1' }]);
    assert.deepEqual(
      latest.summary.moved.map((n) => n.id),
      ['a'],
    );
    assert.deepEqual(latest.summary.changed, []);
    assert.equal(latest.summary.text, '+1 -0 ~0 moved 1');

    await storage.saveFlows([tab, { ...b, name: 'renamed' }], null);
    const [third] = storage.listRevisions({ limit: 1 });
    assert.equal(third.user, 'unknown');
    assert.deepEqual(
      third.summary.removed.map((n) => n.id),
      ['a'],
    );
    assert.deepEqual(
      third.summary.changed.map((n) => n.id),
      ['b'],
    );
    assert.equal(storage.listRevisions().length, 3);
    assert.deepEqual(storage.listRevisions({ before: third.id, limit: 1 })[0].id, third.id - 1);
  });

  test('a restore is recorded as such and is itself a new revision', async () => {
    const first = storage.listRevisions().at(-1)!;
    storage.expectRestore(first.id);
    await storage.saveFlows(storage.getRevision(first.id)!.flows, { username: 'bob' });
    const [r] = storage.listRevisions({ limit: 1 });
    assert.equal(r.kind, 'restore');
    assert.equal(r.restored_from, first.id);
    assert.deepEqual(await storage.getFlows(), [tab, a]);
    // The marker is used once.
    await storage.saveFlows([tab], { username: 'bob' });
    assert.equal(storage.listRevisions({ limit: 1 })[0].kind, 'deploy');
  });

  test('invalid flows are refused with a reason', async () => {
    await assert.rejects(storage.saveFlows([{ nope: true }] as never, null), /array of nodes with id and type/);
    assert.equal(storage.getRevision(99999), null);
  });

  test('credentials are kept as given (encrypted by Node-RED) and travel with each revision', async () => {
    const enc = encryptCredentials('s3cret-s3cret', { b: { password: 'pw' } });
    await storage.saveCredentials(enc);
    assert.deepEqual(await storage.getCredentials(), enc);
    await storage.saveFlows([tab, b], { username: 'alice' });
    const rev = storage.getRevision(storage.listRevisions({ limit: 1 })[0].id)!;
    assert.deepEqual(rev.credentials, enc);
    assert.deepEqual(decryptCredentials('s3cret-s3cret', rev.credentials!), { b: { password: 'pw' } });
  });

  test('library entries: files and folders', async () => {
    await storage.saveLibraryEntry('functions', 'lights/night.js', { name: 'night' }, 'return msg;');
    await storage.saveLibraryEntry('functions', '/top.js', {}, 'x');
    assert.equal(await storage.getLibraryEntry('functions', 'lights/night.js'), 'return msg;');
    assert.deepEqual(await storage.getLibraryEntry('functions', ''), ['lights', { fn: 'top.js' }]);
    assert.deepEqual(await storage.getLibraryEntry('functions', 'lights'), [{ name: 'night', fn: 'night.js' }]);
    await assert.rejects(storage.getLibraryEntry('functions', 'nothing/here'), /no library entry/);
    await assert.rejects(storage.saveLibraryEntry('functions', '', {}, 'x'), /needs a name/);
  });

  test('a corrupt flows row is reported, and the newest readable revision is offered instead', async () => {
    const good = storage.listRevisions({ limit: 1 })[0];
    db.sqlite.prepare("UPDATE nr_flows SET flows = '[{\"id\": broken' WHERE id = 'main'").run();
    const h = storage.check();
    assert.equal(h.ok, false);
    assert.match(h.problem!, /not valid JSON/);
    assert.equal(h.fallbackRevision, good.id);
    assert.deepEqual(await storage.getFlows(), storage.getRevision(good.id)!.flows);
    // A deploy repairs it.
    await storage.saveFlows([tab], { username: 'alice' });
    assert.equal(storage.check().ok, true);
    db.sqlite.prepare('UPDATE nr_flows SET flows = \'{"not":"an array"}\' WHERE id = \'main\'').run();
    assert.match(storage.check().problem!, /not an array of nodes/);
    await storage.saveFlows([tab], { username: 'alice' });
  });
});

describe('credential secret', () => {
  test('generated once, persisted, and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-secret-'));
    const first = resolveCredentialSecret({ dataDir: dir, stored: null });
    assert.equal(first.source, 'generated');
    assert.ok(existsSync(join(dir, SECRET_FILE)));
    assert.equal(readFileSync(join(dir, SECRET_FILE), 'utf8').trim(), first.secret);
    const enc = encryptCredentials(first.secret, { n: { token: 't' } });
    const again = resolveCredentialSecret({ dataDir: dir, stored: enc });
    assert.equal(again.secret, first.secret);
    assert.equal(again.reencrypted, null);
  });

  test('a configured secret that cannot decrypt is a clear error that says what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-secret-'));
    const enc = encryptCredentials('the-old-secret', { n: { token: 't' } });
    assert.throws(
      () => resolveCredentialSecret({ configured: 'a-different-secret', dataDir: dir, stored: enc }),
      (err: Error) =>
        err instanceof CredentialSecretError &&
        /credential_secret cannot decrypt/.test(err.message) &&
        /set credential_secret back/i.test(err.message),
    );
    assert.throws(() => resolveCredentialSecret({ dataDir: dir, stored: enc }), /no secret is available/);
    assert.equal(resolveCredentialSecret({ configured: 'the-old-secret', dataDir: dir, stored: enc }).reencrypted, null);
  });

  test('moving from the generated secret to a configured one re-encrypts instead of losing credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-secret-'));
    const gen = resolveCredentialSecret({ dataDir: dir, stored: null });
    const enc = encryptCredentials(gen.secret, { n: { password: 'p' } });
    const moved = resolveCredentialSecret({ configured: 'my-own-secret', dataDir: dir, stored: enc });
    assert.equal(moved.source, 'options');
    assert.deepEqual(decryptCredentials('my-own-secret', moved.reencrypted!), { n: { password: 'p' } });
  });
});

describe('diff and shipped flows', () => {
  test('diff ignores key order and reports position-only changes as moved', () => {
    const d = diffFlows(
      [{ id: 'x', type: 't', a: 1, b: { c: 2, d: 3 }, x: 1, y: 1 }],
      [{ id: 'x', type: 't', b: { d: 3, c: 2 }, a: 1, x: 5, y: 1 }],
    );
    assert.deepEqual([d.changed.length, d.moved.length], [0, 1]);
  });

  test('the default pipeline and the examples are valid flows using the butler palette', () => {
    const dir = defaultFlowsDir();
    const pipeline = loadShippedFlows(dir);
    const types = new Set(pipeline.map((n) => n.type));
    for (const t of ['butler-event-in', 'butler-policy', 'butler-execute']) assert.ok(types.has(t), `pipeline has ${t}`);
    const ids = new Set(pipeline.map((n) => n.id));
    for (const n of pipeline)
      for (const port of (n.wires as string[][] | undefined) ?? [])
        for (const target of port) assert.ok(ids.has(target), `${n.id} wires to ${target}`);
    assert.ok(loadShippedFlows(dir, 'examples/good-night-conversation.json').some((n) => n.type === 'butler-reply'));
    assert.ok(loadShippedFlows(dir, 'examples/guest-mode-and-door.json').some((n) => n.type === 'butler-ha-entity'));
    assert.ok(loadShippedFlows(dir, 'examples/frigate-person-at-night.json').some((n) => n.type === 'butler-frigate'));
  });
});

describe('flow conversations', () => {
  test('no listener: null at once; a reply wins; a decline by all listeners ends it; timeouts end it', async () => {
    const c = new FlowConversations();
    const req = { text: 'hi', conversation_id: 'c1', language: 'en', origin: { source: 'api', trusted: true }, event_id: null };
    assert.equal(await c.offer(req, 1000), null);

    const off = c.listen((r) => setImmediate(() => c.reply(r.id, { reply: `echo ${r.text}` })));
    assert.deepEqual(await c.offer(req, 5000), { reply: 'echo hi' });
    off();

    const off2 = c.listen((r) => c.decline(r.id));
    assert.equal(await c.offer(req, 60_000), null);
    off2();

    let seen = '';
    c.listen((r) => (seen = r.id));
    assert.equal(await c.offer(req, 20), null);
    assert.equal(c.reply(seen, { reply: 'late' }), false, 'a late reply is refused');
    assert.equal(c.stats().timed_out, 1);
    c.close();
  });
});
