// The audit trail on a real SQLite file: batching, nothing lost on close, timeline links, retention, maintenance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/store/db';
import { AuditStore } from '../src/store/audit';
import type { ButlerEvent } from '../src/types';

function ev(i: number, ts = 1000 + i): ButlerEvent {
  return {
    event_id: `e${i}`,
    ts,
    source: i % 2 ? 'mqtt' : 'api',
    type: i % 3 ? 'motion' : 'door',
    payload: { i },
    severity: 0,
    correlation_id: null,
  };
}

test('WAL, migrations applied, and batched writes that close() writes out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'butler-store-'));
  const file = join(dir, 'butler.db');
  const db = openDatabase(file);
  assert.equal(db.sqlite.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.sqlite.pragma('auto_vacuum', { simple: true }), 2, 'incremental auto-vacuum');
  const audit = new AuditStore(db, { flushIntervalMs: 60_000 });
  for (let i = 0; i < 500; i++) audit.recordEvent(ev(i));
  assert.equal(audit.stats().pending, 500, 'writes wait for the batch');
  audit.close();
  db.close();
  const again = openDatabase(file);
  assert.equal(new AuditStore(again).count('events'), 500);
  again.close();
});

test('filters and keyset pagination', () => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'butler-store-')), 'b.db'));
  const audit = new AuditStore(db);
  for (let i = 0; i < 30; i++) audit.recordEvent(ev(i));
  const page1 = audit.listEvents({ type: 'motion', limit: 5 });
  assert.equal(page1.length, 5);
  assert.ok(page1.every((e) => e.type === 'motion'));
  const page2 = audit.listEvents({ type: 'motion', limit: 5, before: page1[4].ts });
  assert.ok(page2[0].ts < page1[4].ts);
  assert.equal(
    audit.listEvents({ source: 'api', since: 1020 }).every((e) => e.source === 'api' && e.ts >= 1020),
    true,
  );
  db.close();
});

test('timeline links event -> plans -> results, and lists loose plans on their own', () => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'butler-store-')), 'b.db'));
  const audit = new AuditStore(db);
  audit.recordEvent(ev(1, 100));
  const plan = {
    plan_id: 'p1',
    triggered_by_event_id: 'e1',
    actions: [{ action_type: 'notify', params: {} }],
    policy: 'allow',
    reason: 'r',
    created_ts: 101,
    source: 'mqtt',
    trusted: false,
    conversation_id: null,
  };
  audit.recordPlan(plan);
  audit.recordResult({ plan_id: 'p1', index: 0, action_type: 'notify', status: 'ok', output: { a: 1 }, ts: 102 });
  audit.recordPlan({ ...plan, plan_id: 'p2', triggered_by_event_id: null, created_ts: 200 });
  const tl = audit.timeline();
  assert.equal(tl.length, 2);
  assert.equal(tl[0].event, null);
  assert.equal(tl[0].plans[0].plan.plan_id, 'p2');
  assert.equal(tl[1].event?.event_id, 'e1');
  assert.equal(tl[1].plans[0].plan.plan_id, 'p1');
  assert.deepEqual(tl[1].plans[0].results[0].output, { a: 1 });
  db.close();
});

test('retention prunes old rows and maintenance gives their pages back', () => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'butler-store-')), 'b.db'));
  const audit = new AuditStore(db);
  const now = 10 * 86400;
  const bulky = 'x'.repeat(2000);
  for (let i = 0; i < 100; i++) audit.recordEvent({ ...ev(i), payload: { i, bulky }, ts: i < 50 ? now - 5 * 86400 : now - 60 });
  const pruned = audit.prune(2, now);
  assert.equal(pruned.events, 50);
  assert.equal(audit.count('events'), 50);
  assert.ok(Number(db.sqlite.pragma('freelist_count', { simple: true })) > 0, 'deleted rows left free pages');
  const m = audit.maintain();
  assert.ok(m.freed_pages > 0, 'the incremental vacuum returned them');
  assert.equal(Number(db.sqlite.pragma('freelist_count', { simple: true })), 0);
  db.close();
});

test('the background checkpointer copies the WAL back off the event loop, and nothing is lost', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'butler-store-')), 'b.db');
  const db = openDatabase(file, { backgroundCheckpoints: true });
  assert.equal(db.sqlite.pragma('wal_autocheckpoint', { simple: true }), 0, 'no checkpoint inside a write');
  const audit = new AuditStore(db);
  for (let i = 0; i < 5000; i++) audit.recordEvent(ev(i));
  audit.flush();
  for (let i = 0; i < 100 && db.checkpointer!.checkpoints() === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(db.checkpointer!.checkpoints() > 0, `the worker checkpointed (${db.checkpointer!.lastError() ?? 'no error'})`);
  db.close();
  const again = openDatabase(file);
  assert.equal(new AuditStore(again).count('events'), 5000);
  again.close();
});
