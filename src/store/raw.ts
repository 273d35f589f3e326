// The SQL drizzle cannot express, all in this one file: PRAGMAs (drizzle has no statement for them) and the FTS5
// full-text index over memories (virtual tables are outside drizzle's schema language; the index and its triggers
// are the custom migration 0004_memory_fts). Every other query goes through the drizzle tables in ./schema/.
// (The WAL checkpointer's worker thread, ./checkpointer.ts, sets the pragmas of its own connection.)
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Sqlite } from './db';
import { memories } from './schema/memory';

/** Connection settings, before the migrations run. `isNew`: auto_vacuum can only be chosen before the first table. */
export function configureConnection(sqlite: Sqlite, opts: { isNew: boolean; backgroundCheckpoints: boolean }): void {
  // Incremental auto-vacuum lets maintenance return free pages in slices.
  if (opts.isNew) sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints stall whichever write triggers them; with a background checkpointer they happen on another thread.
  if (opts.backgroundCheckpoints) sqlite.pragma('wal_autocheckpoint = 0');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
}

/** Lets SQLite refresh the statistics its planner uses (cheap; run before closing and during upkeep). */
export function optimize(sqlite: Sqlite): void {
  sqlite.pragma('optimize');
}

/** Returns up to `pages` free pages to the file system; how many went. */
export function incrementalVacuum(sqlite: Sqlite, pages: number): number {
  const before = Number(sqlite.pragma('freelist_count', { simple: true }));
  sqlite.pragma(`incremental_vacuum(${Math.max(0, Math.floor(pages))})`);
  return before - Number(sqlite.pragma('freelist_count', { simple: true }));
}

/**
 * The FTS5 index over `memories.search_text`, as fragments of a drizzle select: join it, filter with `match`, order
 * by `rank` (BM25, best first).
 */
export const memoriesFts = {
  table: sql`memories_fts`,
  on: sql`memories_fts.rowid = ${memories.id}`,
  match: (query: SQLWrapper) => sql`memories_fts MATCH ${query}`,
  rank: sql`bm25(memories_fts)`,
};
