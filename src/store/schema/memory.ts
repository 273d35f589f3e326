// Memories the butler was asked to keep ("Anna likes the bedroom at 20 degrees"). The FTS5 index over
// `search_text` and its triggers are a custom migration (memory_fts): drizzle cannot express virtual tables.
import { sqliteTable, text, integer, real, blob, index } from 'drizzle-orm/sqlite-core';

export const memories = sqliteTable(
  'memories',
  {
    // An integer rowid: the external-content FTS5 table points at it.
    id: integer('id').primaryKey({ autoIncrement: true }),
    text: text('text').notNull(),
    subject: text('subject'),
    /** `text` and `subject` folded for the index (lower case, CJK characters split apart); written by MemoryStore. */
    search_text: text('search_text').notNull(),
    /** Origin of the request that stored it. */
    source: text('source').notNull().default(''),
    user: text('user'),
    /** False when it came from outside the household (untrusted input): shown to the planner as unverified. */
    trusted: integer('trusted', { mode: 'boolean' }).notNull().default(true),
    created_ts: real('created_ts').notNull(),
    /** float32 little-endian vector from the embeddings endpoint; null when none is configured or it was down. */
    embedding: blob('embedding', { mode: 'buffer' }),
    embedding_model: text('embedding_model'),
  },
  (t) => [index('idx_memories_created_ts').on(t.created_ts), index('idx_memories_subject').on(t.subject)],
);
