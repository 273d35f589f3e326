// Exactly-once effects: an action is written here (committed, with its plan) before it is sent to its target, and
// removed in the same transaction that records its result. A row still here at start-up is an action that was sent
// (or about to be) when the butler stopped: it is reported `interrupted`, never run again.
import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const actionIntents = sqliteTable(
  'action_intents',
  {
    plan_id: text('plan_id').notNull(),
    idx: integer('idx').notNull(),
    action_type: text('action_type').notNull(),
    risk: text('risk').notNull(),
    started_ts: real('started_ts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.plan_id, t.idx] })],
);
