// Node-RED's persistent state (flows, credentials, runtime settings, editor sessions, library) and every deploy as a revision.
import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core';

/** One row (id 'main'): the deployed flows as Node-RED's JSON array. */
export const nrFlows = sqliteTable('nr_flows', {
  id: text('id').primaryKey(),
  flows: text('flows').notNull(),
  updated_ts: real('updated_ts').notNull(),
});

/** One row (id 'main'): the credentials object, encrypted by Node-RED ({"$": ...}). */
export const nrCredentials = sqliteTable('nr_credentials', {
  id: text('id').primaryKey(),
  credentials: text('credentials').notNull(),
  updated_ts: real('updated_ts').notNull(),
});

/** Node-RED runtime settings (_credentialSecret is never stored here; users, plugins ...): one JSON value per key. */
export const nrSettings = sqliteTable('nr_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** One row (id 'main'): the editor sessions object. */
export const nrSessions = sqliteTable('nr_sessions', {
  id: text('id').primaryKey(),
  sessions: text('sessions').notNull(),
});

/** The editor's library (functions, templates, flows saved by the user). */
export const nrLibrary = sqliteTable(
  'nr_library',
  {
    type: text('type').notNull(),
    path: text('path').notNull(),
    meta: text('meta').notNull(),
    body: text('body').notNull(),
    updated_ts: real('updated_ts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.type, t.path] })],
);

/** Every deploy, with who, when, and what changed (summary JSON); restoring one is itself a new revision. */
export const flowRevisions = sqliteTable(
  'flow_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts: real('ts').notNull(),
    user: text('user').notNull(),
    /** deploy | restore | initial | safe-mode */
    kind: text('kind').notNull(),
    /** The revision restored, for kind = restore. */
    restored_from: integer('restored_from'),
    flows: text('flows').notNull(),
    credentials: text('credentials'),
    summary: text('summary').notNull(),
    rev: text('rev').notNull(),
  },
  (t) => [index('idx_flow_revisions_ts').on(t.ts)],
);
