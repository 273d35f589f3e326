// The audit trail (events -> plans -> results) and the butler's own state. Columns follow the original system.
import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';

export const events = sqliteTable(
  'events',
  {
    event_id: text('event_id').primaryKey(),
    ts: real('ts').notNull(),
    source: text('source').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    severity: integer('severity').notNull().default(0),
    correlation_id: text('correlation_id'),
  },
  (t) => [index('idx_events_ts').on(t.ts), index('idx_events_type_ts').on(t.type, t.ts), index('idx_events_source_ts').on(t.source, t.ts)],
);

export const plans = sqliteTable(
  'plans',
  {
    plan_id: text('plan_id').primaryKey(),
    triggered_by_event_id: text('triggered_by_event_id'),
    actions: text('actions').notNull(),
    policy: text('policy').notNull(),
    reason: text('reason').notNull().default(''),
    created_ts: real('created_ts').notNull(),
    source: text('source').notNull().default(''),
    trusted: integer('trusted', { mode: 'boolean' }).notNull().default(false),
    conversation_id: text('conversation_id'),
  },
  (t) => [index('idx_plans_created_ts').on(t.created_ts), index('idx_plans_event').on(t.triggered_by_event_id)],
);

export const results = sqliteTable(
  'results',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    plan_id: text('plan_id').notNull(),
    idx: integer('idx').notNull().default(0),
    action_type: text('action_type').notNull(),
    status: text('status').notNull(),
    output: text('output').notNull(),
    ts: real('ts').notNull(),
  },
  (t) => [index('idx_results_plan').on(t.plan_id), index('idx_results_ts').on(t.ts), index('idx_results_status_ts').on(t.status, t.ts)],
);

export const confirmations = sqliteTable(
  'confirmations',
  {
    id: text('id').primaryKey(),
    plan_id: text('plan_id').notNull(),
    idx: integer('idx').notNull(),
    action_type: text('action_type').notNull(),
    params: text('params').notNull(),
    origin: text('origin').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    created_ts: real('created_ts').notNull(),
    expires_ts: real('expires_ts').notNull(),
    decided_by: text('decided_by'),
    decided_ts: real('decided_ts'),
  },
  (t) => [index('idx_confirmations_status').on(t.status, t.expires_ts)],
);

export const scheduledTasks = sqliteTable(
  'scheduled_tasks',
  {
    task_id: text('task_id').primaryKey(),
    name: text('name').notNull().default(''),
    run_at: real('run_at').notNull(),
    actions: text('actions').notNull(),
    origin: text('origin').notNull(),
    status: text('status').notNull(),
    created_ts: real('created_ts').notNull(),
    plan_id: text('plan_id'),
    last_error: text('last_error'),
    /** A paused timer: the seconds it had left when paused (status 'paused'; run_at is set again on resume). */
    paused_left_s: real('paused_left_s'),
  },
  (t) => [index('idx_tasks_status_run_at').on(t.status, t.run_at)],
);

/** Small persistent state: home mode, privacy mode, counters that survive a restart. */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updated_ts: real('updated_ts').notNull(),
});

/** Planner conversation turns (multi-turn context). */
export const conversationTurns = sqliteTable(
  'conversation_turns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversation_id: text('conversation_id').notNull(),
    turn: text('turn').notNull(),
    ts: real('ts').notNull(),
  },
  (t) => [index('idx_turns_conversation').on(t.conversation_id, t.id)],
);
