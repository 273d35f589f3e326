// Opens the one SQLite file (WAL), applies the committed drizzle migrations, and hands out the drizzle handle.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startCheckpointer, type Checkpointer } from './checkpointer';

export type Sqlite = Database.Database;
export type Drizzle = BetterSQLite3Database;

/** Migrations live at the repository root (`migrations/`), next to `dist/` in the image too. */
export const MIGRATIONS_DIR = findMigrations(__dirname);

function findMigrations(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no migrations/ folder found above ${from}: the install is incomplete`);
  }
}

export interface OpenedDb {
  sqlite: Sqlite;
  db: Drizzle;
  path: string;
  /** The background checkpointer, when one runs. */
  checkpointer: Checkpointer | null;
  close(): void;
}

export function openDatabase(path: string, opts: { backgroundCheckpoints?: boolean } = {}): OpenedDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const isNew = path === ':memory:' || !existsSync(path);
  const sqlite = new Database(path);
  // auto_vacuum must be chosen before the first table exists; incremental lets maintenance return pages in slices.
  if (isNew) sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints stall whichever write triggers them; with a background checkpointer they happen on another thread.
  const checkpointer = opts.backgroundCheckpoints && path !== ':memory:' ? startCheckpointer(path) : null;
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return {
    sqlite,
    db,
    path,
    checkpointer,
    close() {
      void checkpointer?.stop();
      if (sqlite.open) {
        try {
          sqlite.pragma('optimize');
        } catch {
          /* closing anyway */
        }
        sqlite.close();
      }
    },
  };
}
