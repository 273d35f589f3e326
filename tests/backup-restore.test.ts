// Online backups and restores of the database with the whole butler: write data, back up while it runs (API and
// the `butler backup` command Home Assistant runs first), lose or break the database, restore, and the data is back
// with an intact database. A file that is not a sound butler database is never restored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';

const BIN = resolve(__dirname, '../../bin/butler.js');
const running: ButlerProcess[] = [];

after(async () => {
  await Promise.all(running.map((b) => b.stop()));
});

async function start(dataDir: string): Promise<ButlerProcess> {
  const b = await spawnButler({ dataDir });
  running.push(b);
  return b;
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: '/tmp' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

async function rememberedTexts(b: ButlerProcess): Promise<string[]> {
  const r = await b.api<{ memories: { text: string }[] }>('GET', '/api/memories');
  return r.body.memories.map((m) => m.text).sort();
}

test('back up while running, lose the database, restore: the data is back and the database is intact', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'butler-backup-'));
  let b = await start(dataDir);
  assert.equal((await b.api('POST', '/api/memories', { text: 'the spare key is under the blue pot' })).status, 201);
  // Events keep arriving while the copy is made: the copy is a consistent snapshot, not a torn file.
  const burst = Array.from({ length: 200 }, (_, i) => b.api('POST', '/api/events', { type: 'test.burst', source: 'test', payload: { i } }));
  const made = await b.api<{ backup: { file: string; bytes: number; integrity: string } }>('POST', '/api/backup');
  await Promise.all(burst);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.backup.integrity, 'ok');
  assert.ok(made.body.backup.file.startsWith(join(dataDir, 'backup', 'butler-')));
  assert.equal(integrity(made.body.backup.file), 'ok');
  const listed = await b.api<{ backups: { file: string }[] }>('GET', '/api/backups');
  assert.deepEqual(
    listed.body.backups.map((x) => x.file),
    [made.body.backup.file],
  );

  // What Home Assistant runs before it archives the add-on, with the butler still running.
  assert.equal((await b.api('POST', '/api/memories', { text: 'the boiler is serviced in March' })).status, 201);
  const pre = cli('backup', '--data-dir', dataDir);
  assert.equal(pre.status, 0, pre.stderr);
  assert.match(pre.stdout, /backed up to .*butler-\d{8}T\d{9}Z\.db \(\d+ bytes, integrity ok\)/);
  const health = await b.api<{ components: Record<string, { ok: boolean; detail: string }> }>('GET', '/api/health');
  assert.equal(health.body.components.backup.ok, true, health.body.components.backup.detail);
  await b.stop();

  // A restored Home Assistant backup: no live database (it is left out of the archive), the copies in backup/.
  for (const f of ['butler.db', 'butler.db-wal', 'butler.db-shm']) rmSync(join(dataDir, f), { force: true });
  b = await start(dataDir);
  assert.deepEqual(await rememberedTexts(b), ['the boiler is serviced in March', 'the spare key is under the blue pot']);
  assert.match(b.output(), /database restored from a backup/);
  await b.stop();
  assert.equal(integrity(join(dataDir, 'butler.db')), 'ok');

  // A broken database, restored on purpose from the first copy with the command line.
  writeFileSync(join(dataDir, 'butler.db'), 'this is not a database any more');
  rmSync(join(dataDir, 'butler.db-wal'), { force: true });
  const staged = cli('restore', made.body.backup.file, '--data-dir', dataDir);
  assert.equal(staged.status, 0, staged.stderr);
  assert.match(staged.stdout, /is sound .* replaces the database at the next start/);
  b = await start(dataDir);
  assert.deepEqual(await rememberedTexts(b), ['the spare key is under the blue pot']);
  await b.stop();
  assert.equal(integrity(join(dataDir, 'butler.db')), 'ok');
  assert.ok(existsSync(join(dataDir, 'butler.db.before-restore')), 'the replaced database is kept');
  assert.ok(!existsSync(join(dataDir, 'butler.db.restore')), 'a restore is applied once');
});

test('a restore of something that is not a sound butler database is refused, and the database stays as it was', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'butler-restore-bad-'));
  const garbage = join(dataDir, 'garbage.db');
  writeFileSync(garbage, 'SQLite format 3\0 but not really');
  const notSqlite = cli('restore', garbage, '--data-dir', dataDir);
  assert.equal(notSqlite.status, 1);
  assert.match(notSqlite.stderr, /^cannot restore: .*garbage\.db: (not a SQLite database|cannot be opened)/);

  const other = join(dataDir, 'other.db');
  const db = new Database(other);
  db.exec('CREATE TABLE t (x)');
  db.close();
  const foreign = cli('restore', other, '--data-dir', dataDir);
  assert.equal(foreign.status, 1);
  assert.match(foreign.stderr, /other\.db: not a butler database \(it has no migrations table\)/);

  const missing = cli('restore', join(dataDir, 'nope.db'), '--data-dir', dataDir);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.db: no such file/);
  assert.match(cli('restore', '--data-dir', dataDir).stderr, /usage: butler restore FILE/);
  assert.match(cli('backup', '--data-dir', dataDir).stderr, /backup failed: no database at .*butler\.db/);
  assert.deepEqual(readdirSync(dataDir).sort(), ['garbage.db', 'other.db'], 'nothing was staged or created');

  // A staged file that went bad before the start is set aside; the butler starts with its own database.
  const b = await start(dataDir);
  assert.equal((await b.api('POST', '/api/memories', { text: 'kept through a bad restore' })).status, 201);
  await b.stop();
  writeFileSync(join(dataDir, 'butler.db.restore'), 'corrupted on the way');
  const again = await start(dataDir);
  assert.deepEqual(await rememberedTexts(again), ['kept through a bad restore']);
  assert.match(again.output(), /the staged restore was not applied; the database is unchanged/);
  assert.ok(existsSync(join(dataDir, 'butler.db.restore.rejected')));
});
