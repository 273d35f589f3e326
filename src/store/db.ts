// Opens the one SQLite file (WAL), applies the committed drizzle migrations, and hands out the drizzle handle.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { configureConnection, optimize } from './raw';

export type Sqlite = Database.Database;
export type Drizzle = BetterSQLite3Database;

/** Migrations live at the repository root (`migrations/`), next to `dist/` in the image too. */
export const MIGRATIONS_DIR = findMigrations(__dirname);

let migrationTags: string[] | null = null;

/** The tags of the migrations this butler ships, oldest first (read once from the journal). */
export function knownMigrations(): string[] {
  migrationTags ??= (
    JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }
  ).entries.map((e) => e.tag);
  return migrationTags;
}

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
  const backgroundCheckpoints = Boolean(opts.backgroundCheckpoints) && path !== ':memory:';
  configureConnection(sqlite, { isNew, backgroundCheckpoints });
  const checkpointer = backgroundCheckpoints ? startCheckpointer(path) : null;
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
          optimize(sqlite);
        } catch {
          /* closing anyway */
        }
        sqlite.close();
      }
    },
  };
}
