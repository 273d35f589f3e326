// A full disk, injected: the butler runs with db_max_mb 1 (SQLite's max_page_count: a write that would grow the file
// beyond it fails with SQLITE_FULL, exactly as on a full disk; we run as root, so a read-only data dir cannot be
// simulated with chmod, and a tiny tmpfs needs mount rights). Mid-burst the database fills: health names the failure,
// the log says what was not acknowledged, the butler stays up and serves reads, an HTTP event is refused with 503, and
// no MQTT message is acknowledged unwritten, a voice turn is not answered `handled` unwritten: restarted without the cap, every event the broker accepted is stored
// (redelivered, since the butler never acknowledged it) and the refused HTTP event is not. Prints its figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendTranscript } from '../../src/ha/wyoming';
import { spawnButler, type ButlerProcess } from '../helpers/butler-process';
import { until } from '../helpers/wait';
import { Burst, FaultBroker, killButler, readDb, storedIds } from './harness';

interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail?: string }>;
}

test('a full database mid-burst: a clear error in health and the log, reads go on, nothing unwritten acknowledged', {
  timeout: 180_000,
}, async (t) => {
  const broker = await FaultBroker.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'butler-fault-full-'));
  const env = { BUTLER_MQTT_URL: broker.url };
  let butler: ButlerProcess = await spawnButler({ dataDir, env: { ...env, BUTLER_DB_MAX_MB: '1' } });
  let burst: Burst | undefined;
  t.after(async () => {
    await burst?.stop();
    await killButler(butler);
    await broker.stop();
  });
  burst = await Burst.start(broker.url, 1000);
  const health = async () => (await butler.api<Health>('GET', '/api/health')).body;
  const full = await until(
    'the database to fill up',
    async () => {
      const h = await health();
      return h.components['db-writes']?.ok === false ? h : null;
    },
    90_000,
  );
  const storedAtFull = storedIds(dataDir).size;
  const writesDetail = full.components['db-writes'].detail ?? '';
  assert.match(writesDetail, /cannot write to the database: .*full/, writesDetail);
  // Reads go on.
  const read = await butler.api<{ events: unknown[] }>('GET', '/api/events?limit=5');
  assert.equal(read.status, 200);
  assert.equal(read.body.events.length, 5);
  // An HTTP event that needs room is refused, not answered 2xx. (A full file may still hold a small row in the free
  // space of a page: that one is written, and then rightly answered 200.)
  const refused = await butler.api<{ error: string }>('POST', '/api/events', {
    type: 'fault.http',
    event_id: 'h-refused',
    payload: { filler: 'x'.repeat(256 * 1024) },
  });
  assert.equal(refused.status, 503, JSON.stringify(refused.body));
  assert.match(refused.body.error, /not stored: .*full/);
  // A voice turn (Wyoming, as Home Assistant's Assist sends it) is answered `handled` only once what it recorded is
  // committed: while full, either it is not handled (the butler apologises), or what it recorded is in the file.
  const voice = await sendTranscript('127.0.0.1', butler.wyomingPort, {
    text: 'turn on the kitchen lights',
    language: 'en',
    timeoutMs: 30_000,
  });
  assert.ok(voice.text.length > 0, 'the voice turn gets an answer');
  const voicePlans = readDb(dataDir, (db) =>
    db.prepare('SELECT count(*) FROM plans WHERE conversation_id = ?').pluck().get(voice.conversation_id),
  ) as number;
  if (voice.handled) assert.ok(voicePlans > 0, `handled, yet nothing of the turn was written: ${JSON.stringify(voice)}`);
  else assert.match(voice.text, /^I couldn't save that \(.*full.*\)/, 'not handled, and it says why');
  await until(
    'the log to say what was not acknowledged',
    () => /not acknowledged: what it recorded could not be written/.test(butler.output()),
    30_000,
  );
  // A while later it is still up and still full (what little still fits in free space is written and acknowledged).
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(butler.child.exitCode, null, 'the butler stays up');
  // Health reports the last batch: one that fitted in a page's free space reads ok for a moment, the next fails again.
  const later = await until(
    'health to report the database still full',
    async () => {
      const h = await health();
      return h.components['db-writes']?.ok === false ? h : null;
    },
    15_000,
  );
  assert.equal(later.components['db-writes'].ok, false);
  const storedWhileFull = storedIds(dataDir).size - storedAtFull;
  await burst.stop();

  // Room again: restarted without the cap, the broker delivers what was never acknowledged.
  await butler.stop();
  butler = await spawnButler({ dataDir, env });
  await until(
    'every accepted event to be stored after the restart',
    () => {
      const ids = storedIds(dataDir);
      for (const id of burst.accepted) if (!ids.has(id)) return false;
      return true;
    },
    60_000,
  ).catch(() => undefined);
  const ids = storedIds(dataDir);
  const lost = [...burst.accepted].filter((id) => !ids.has(id));
  const refusedStored = storedIds(dataDir, 'fault.http').size;
  const integrity = readDb(dataDir, (db) => db.pragma('integrity_check', { simple: true }));
  console.log(
    `# faults/disk-full: full after ${storedAtFull} events (db_max_mb 1); health "${later.status}", db-writes: ${writesDetail}; ` +
      `reads answered; HTTP event answered ${refused.status}; voice turn ${voice.handled ? 'handled (its plan written)' : `not handled ("${voice.text}")`}; ` +
      `${storedWhileFull} stored while full (fitting in free space); ` +
      `after the restart without the cap: ${burst.accepted.size} accepted, ${ids.size} stored, ${lost.length} lost, ` +
      `refused HTTP event stored: ${refusedStored}; integrity_check ${integrity}`,
  );
  assert.deepEqual(lost.slice(0, 10), [], `${lost.length} accepted events lost`);
  assert.equal(refusedStored, 0, 'an event answered 503 was not stored');
  assert.equal(integrity, 'ok');
});
