// Online backups of the one SQLite file and their restore. A backup is `VACUUM INTO` a new file, run on a worker
// thread with its own connection: one read transaction, so the copy is a consistent snapshot while the butler keeps
// writing, and the event loop never waits on it. Each copy is checked (`PRAGMA integrity_check`) before it is kept.
// A restore is staged as <data>/butler.db.restore and applied at the next start, before the database is opened;
// a start that finds no database but finds backups (a Home Assistant backup being restored) restores the newest.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { knownMigrations } from './db';
import { INTENT_JOURNAL_SUFFIX } from './intent-journal';

export const DB_FILE = 'butler.db';
/** How many backups are kept in <data>/backup/. */
export const BACKUP_KEEP = 3;
export const BACKUP_DIR = 'backup';
/** A restore waiting for the next start. */
export const PENDING_RESTORE = 'butler.db.restore';
/** Where the database a restore replaced is kept (one, the latest). */
export const BEFORE_RESTORE = 'butler.db.before-restore';
const BACKUP_NAME = /^butler-(\d{8}T\d{6}(?:\d{3})?Z)\.db$/;

export interface BackupInfo {
  file: string;
  bytes: number;
  ts: number;
}

export interface BackupResult extends BackupInfo {
  integrity: 'ok';
  /** Older backups removed to keep `keep`. */
  removed: string[];
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let src;
try {
  src = new Database(workerData.path, { fileMustExist: true });
  src.pragma('busy_timeout = 5000');
  src.prepare('VACUUM INTO ?').run(workerData.tmp);
  src.close();
  src = null;
  const out = new Database(workerData.tmp);
  const rows = out.pragma('integrity_check').map((r) => r.integrity_check);
  out.close();
  parentPort.postMessage({ integrity: rows });
} catch (err) {
  try { if (src) src.close(); } catch {}
  parentPort.postMessage({ error: String((err && err.message) || err) });
}
`;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** The backups in `dir`, newest first. */
export function listBackups(dir: string): BackupInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => BACKUP_NAME.test(f))
    .map((f) => {
      const st = statSync(join(dir, f));
      return { file: join(dir, f), bytes: st.size, ts: st.mtimeMs / 1000 };
    })
    .sort((a, b) => basename(b.file).localeCompare(basename(a.file)));
}

/**
 * Copies the database at `dbPath` into `dir` (butler-<UTC time>.db) without stopping its writers, checks the copy and
 * keeps the newest `keep` backups. Runs on a worker thread; rejects with the reason when the copy is not sound.
 */
export function backupDatabase(dbPath: string, dir: string, opts: { keep?: number; now?: Date } = {}): Promise<BackupResult> {
  const when = opts.now ?? new Date();
  const file = join(dir, `butler-${stamp(when)}.db`);
  const tmp = `${file}.tmp`;
  if (!existsSync(dbPath)) return Promise.reject(new Error(`backup failed: no database at ${dbPath}`));
  mkdirSync(dir, { recursive: true });
  rmSync(tmp, { force: true });
  return new Promise<BackupResult>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: dbPath, tmp, driver: require.resolve('better-sqlite3') },
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
    });
    const fail = (message: string) => {
      rmSync(tmp, { force: true });
      reject(new Error(`backup failed: ${message}`));
    };
    worker.once('error', (err) => fail(err.message));
    worker.once('message', (m: { integrity?: string[]; error?: string }) => {
      void worker.terminate();
      if (m.error) return fail(m.error);
      const integrity = m.integrity ?? [];
      if (integrity.length !== 1 || integrity[0] !== 'ok') return fail(`the copy is not sound: ${integrity.slice(0, 5).join('; ')}`);
      try {
        renameSync(tmp, file);
      } catch (err) {
        return fail((err as Error).message);
      }
      const keep = Math.max(1, opts.keep ?? BACKUP_KEEP);
      const removed: string[] = [];
      for (const old of listBackups(dir).slice(keep)) {
        rmSync(old.file, { force: true });
        removed.push(old.file);
      }
      resolve({ file, bytes: statSync(file).size, ts: when.getTime() / 1000, integrity: 'ok', removed });
    });
  });
}

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

/** What a backup file holds, once it is proven sound and not newer than this butler. */
export interface CheckedBackup {
  file: string;
  migrations: number;
  bytes: number;
}

/** Opens `file` read-only and proves it is a sound butler database this butler can open; throws RestoreError saying why not. */
export function checkBackup(file: string): CheckedBackup {
  if (!existsSync(file)) throw new RestoreError(`${file}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RestoreError(`${file}: cannot be opened as SQLite: ${(err as Error).message}`);
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      throw new RestoreError(`${file}: not a SQLite database: ${(err as Error).message}`);
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok')
      throw new RestoreError(`${file}: integrity check failed: ${integrity.slice(0, 5).join('; ')}`);
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
    if (!table) throw new RestoreError(`${file}: not a butler database (it has no migrations table)`);
    const applied = (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    const known = knownMigrations().length;
    if (applied > known)
      throw new RestoreError(`${file}: made by a newer butler (${applied} migrations, this one knows ${known}): update the butler first`);
    return { file, migrations: applied, bytes: statSync(file).size };
  } finally {
    db.close();
  }
}

/** Checks `file` and stages it as the restore the next start applies. */
export function stageRestore(file: string, dataDir: string): CheckedBackup {
  const checked = checkBackup(file);
  const target = join(dataDir, PENDING_RESTORE);
  const tmp = `${target}.tmp`;
  copyFileSync(file, tmp);
  renameSync(tmp, target);
  return checked;
}

/** The database and the files that belong to it (its WAL, shared memory, and the journal of actions being sent). */
const DB_FILES = ['', '-wal', '-shm', INTENT_JOURNAL_SUFFIX];

function moveDatabaseAside(dataDir: string): boolean {
  const db = join(dataDir, DB_FILE);
  if (!existsSync(db)) return false;
  const aside = join(dataDir, BEFORE_RESTORE);
  for (const suffix of DB_FILES) rmSync(aside + suffix, { force: true });
  for (const suffix of DB_FILES) if (existsSync(db + suffix)) renameSync(db + suffix, aside + suffix);
  return true;
}

export interface RestoreOutcome {
  /** The file the database now comes from. */
  from: string;
  reason: 'staged' | 'missing';
  /** Where the replaced database went, if there was one. */
  previous: string | null;
}

/**
 * Before the database opens: applies a staged restore (the replaced database is kept as butler.db.before-restore),
 * or, when there is no database at all but there are backups, restores the newest sound one. A staged file that is
 * not sound is set aside (…restore.rejected) and the start goes on with the database as it is; the error says why.
 */
export function applyPendingRestore(dataDir: string): { restored: RestoreOutcome | null; rejected: string | null } {
  const db = join(dataDir, DB_FILE);
  const staged = join(dataDir, PENDING_RESTORE);
  if (existsSync(staged)) {
    try {
      checkBackup(staged);
    } catch (err) {
      renameSync(staged, `${staged}.rejected`);
      return { restored: null, rejected: (err as Error).message };
    }
    const previous = moveDatabaseAside(dataDir) ? join(dataDir, BEFORE_RESTORE) : null;
    renameSync(staged, db);
    return { restored: { from: staged, reason: 'staged', previous }, rejected: null };
  }
  if (existsSync(db)) return { restored: null, rejected: null };
  for (const b of listBackups(join(dataDir, BACKUP_DIR))) {
    try {
      checkBackup(b.file);
    } catch {
      continue;
    }
    for (const suffix of DB_FILES.slice(1)) rmSync(db + suffix, { force: true });
    const tmp = `${db}.tmp`;
    copyFileSync(b.file, tmp);
    renameSync(tmp, db);
    return { restored: { from: b.file, reason: 'missing', previous: null }, rejected: null };
  }
  return { restored: null, rejected: null };
}
