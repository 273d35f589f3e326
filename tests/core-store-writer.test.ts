// The audit trail with its batches written on a worker thread: acknowledged only after the worker committed, reads
// see everything accepted before them, a redelivery in flight is still known, an intent is in the journal before it
// returns (and recovered from there after a kill), a failed batch is never acknowledged, close() writes everything out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/db';
import { AuditStore } from '../src/store/audit';
import { INTENT_JOURNAL_SUFFIX, IntentJournal } from '../src/store/intent-journal';
import type { ButlerEvent } from '../src/types';

function ev(i: number): ButlerEvent {
  return { event_id: `e${i}`, ts: 1000 + i, source: 'test', type: 'motion', payload: { i }, severity: 0, correlation_id: null };
}

/** Rows as another connection sees them (what a crash would leave). */
function countOnDisk(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('committed() resolves once the worker committed; reads and redeliveries see batches in flight', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'butler-writer-')), 'butler.db');
  const db = openDatabase(file, { backgroundCheckpoints: true });
  const audit = new AuditStore(db, { background: true, flushIntervalMs: 60_000, maxBatch: 100 });
  for (let i = 0; i < 150; i++) audit.recordEvent(ev(i));
  // 100 went to the writer (a full batch), 50 wait for the timer: neither is acknowledged yet.
  assert.ok(audit.hasEvent('e10'), 'an event in flight is known (a redelivery is not stored twice)');
  assert.ok(audit.hasEvent('e120'), 'an event still queued is known');
  const acked = audit.committed();
  assert.ok(countOnDisk(file, 'events') < 150, 'not everything is on disk before the acknowledgement');
  assert.equal(audit.listEvents({ limit: 1000 }).length, 150, 'a read sees everything accepted before it');
  await acked;
  assert.equal(countOnDisk(file, 'events'), 150, 'acknowledged means committed, seen by another connection');

  for (let i = 150; i < 160; i++) audit.recordEvent(ev(i));
  audit.recordPlan({
    plan_id: 'p1',
    triggered_by_event_id: 'e150',
    actions: [{ action_type: 'unlock', params: {} }],
    policy: 'allow',
    reason: '',
    created_ts: 1,
    source: 'test',
    trusted: true,
    conversation_id: null,
  });
  audit.recordIntentNow({ plan_id: 'p1', index: 0, action_type: 'unlock', risk: 'sensitive', started_ts: 1 });
  const marks = IntentJournal.read(file + INTENT_JOURNAL_SUFFIX).entries;
  assert.deepEqual(
    marks.map((m) => [m.plan_id, m.index, m.plans?.map((p) => p.plan_id), m.events?.map((e) => e.event_id).join()]),
    [['p1', 0, ['p1'], 'e150,e151,e152,e153,e154,e155,e156,e157,e158,e159']],
    'the intent is in the journal before it returns, with its plan and the events not yet committed',
  );
  const intentCommitted = audit.committed();
  audit.flush();
  await intentCommitted;
  assert.equal(countOnDisk(file, 'action_intents'), 1, 'and then in the database');
  assert.equal(countOnDisk(file, 'plans'), 1);
  audit.recordResult({ plan_id: 'p1', index: 0, action_type: 'unlock', status: 'ok', output: {}, ts: 2 }, true);
  const resultCommitted = audit.committed();
  audit.flush();
  await resultCommitted;
  assert.equal(countOnDisk(file, 'action_intents'), 0, 'its result clears it');
  assert.equal(audit.stats().pending, 0);
  assert.ok(audit.stats().flushes >= 3);

  for (let i = 160; i < 170; i++) audit.recordEvent(ev(i));
  audit.close();
  db.close();
  assert.equal(countOnDisk(file, 'events'), 170, 'close() writes out what was queued');
});

test('a batch the worker cannot write is never acknowledged, and the error is there for health', async () => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'butler-writer-')), 'butler.db'));
  const audit = new AuditStore(db, { background: true, flushIntervalMs: 1 });
  audit.recordEvent(ev(1));
  await audit.committed();
  // A trigger makes every insert fail on any connection, as a full disk would.
  db.sqlite.exec("CREATE TRIGGER no_room BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  audit.recordEvent(ev(2));
  await assert.rejects(audit.committed(), /disk is full/);
  assert.match(audit.writeError?.message ?? '', /disk is full/);
  assert.equal(audit.stats().failedBatches, 1);
  audit.recordEvent(ev(4));
  assert.throws(
    () => audit.recordIntentNow({ plan_id: 'p', index: 0, action_type: 'x', risk: 'safe', started_ts: 1 }) as unknown,
    /disk is full|no_room/,
    'an intent that cannot be committed throws (its action is not sent)',
  );
  db.sqlite.exec('DROP TRIGGER no_room');
  audit.recordEvent(ev(3));
  await audit.committed();
  assert.equal(audit.writeError, null, 'the next batch written clears the error');
  audit.close();
  db.close();
});

test('marks left in the journal by a killed run become intents with their plans; a torn last line is skipped', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'butler-writer-')), 'butler.db');
  const db = openDatabase(file);
  const audit = new AuditStore(db, { flushIntervalMs: 60_000 });
  const plan = (id: string) => ({
    plan_id: id,
    triggered_by_event_id: null,
    actions: [{ action_type: 'lock.unlock', params: { entity_id: 'lock.front_door' } }],
    policy: 'allow',
    reason: 'asked',
    created_ts: 1,
    source: 'test',
    trusted: true,
    conversation_id: null,
  });
  audit.recordPlan(plan('done'));
  audit.recordIntentNow({ plan_id: 'done', index: 0, action_type: 'lock.unlock', risk: 'sensitive', started_ts: 1 });
  audit.recordResult({ plan_id: 'done', index: 0, action_type: 'lock.unlock', status: 'ok', output: {}, ts: 2 }, true);
  audit.flush();
  audit.recordEvent(ev(7));
  audit.recordPlan({ ...plan('sent'), triggered_by_event_id: 'e7' });
  audit.recordIntentNow({ plan_id: 'sent', index: 0, action_type: 'lock.unlock', risk: 'sensitive', started_ts: 3 });
  // Killed here: nothing more is written (the queue with the event, the plan and the intent is lost), and half a
  // line was appended.
  appendFileSync(file + INTENT_JOURNAL_SUFFIX, '{"plan_id":"torn","ind');
  db.sqlite.close();
  assert.equal(countOnDisk(file, 'plans'), 1, 'only the first plan reached the database');

  const again = openDatabase(file);
  const recovered = new AuditStore(again);
  assert.deepEqual(
    recovered.unfinishedIntents().map((i) => [i.plan_id, i.index, i.action_type, i.risk]),
    [['sent', 0, 'lock.unlock', 'sensitive']],
    'the action with a result is settled; the one without is unfinished',
  );
  assert.equal(recovered.recoveredUnreadable, 1);
  const p = recovered.getPlan('sent');
  assert.equal(p?.plan.actions[0].action_type, 'lock.unlock', 'its plan was recovered from the mark');
  assert.ok(recovered.hasEvent('e7'), 'and the event that led to it: its redelivery is a duplicate, not a new act');
  assert.equal(readFileSync(file + INTENT_JOURNAL_SUFFIX, 'utf8'), '', 'the journal is emptied once it is in the database');
  recovered.close();
  again.close();
});
