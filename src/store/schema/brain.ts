// Rules, scenes and goals (with their steps): definitions as JSON text, progress as columns so it survives a restart.
import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core';

export const rules = sqliteTable('rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull().default(''),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** The validated rule as JSON. */
  definition: text('definition').notNull(),
  created_ts: real('created_ts').notNull(),
  updated_ts: real('updated_ts').notNull(),
  last_run_ts: real('last_run_ts'),
  run_count: integer('run_count').notNull().default(0),
});

export const scenes = sqliteTable('scenes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  /** ActionRequest[] as JSON. */
  actions: text('actions').notNull(),
  preset: integer('preset', { mode: 'boolean' }).notNull().default(false),
  created_ts: real('created_ts').notNull(),
  updated_ts: real('updated_ts').notNull(),
});

/** Small facts the brain services keep (e.g. that the scene presets were seeded once). */
export const brainMeta = sqliteTable('brain_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const goals = sqliteTable(
  'goals',
  {
    goal_id: text('goal_id').primaryKey(),
    text: text('text').notNull(),
    /** running | done | failed | cancelled */
    status: text('status').notNull(),
    /** Which planner decomposed it: template:<name>, llm ... */
    planner: text('planner').notNull().default(''),
    current_step: integer('current_step').notNull().default(0),
    /** Origin as JSON: who asked (trust carries over to every step). */
    origin: text('origin').notNull(),
    event_id: text('event_id'),
    error: text('error'),
    created_ts: real('created_ts').notNull(),
    updated_ts: real('updated_ts').notNull(),
  },
  (t) => [index('idx_goals_status').on(t.status), index('idx_goals_created_ts').on(t.created_ts)],
);

export const goalSteps = sqliteTable(
  'goal_steps',
  {
    goal_id: text('goal_id').notNull(),
    idx: integer('idx').notNull(),
    /** The GoalStep as JSON. */
    step: text('step').notNull(),
    /** pending | running | waiting | ok | failed | cancelled */
    status: text('status').notNull(),
    result: text('result'),
    started_ts: real('started_ts'),
    finished_ts: real('finished_ts'),
  },
  (t) => [primaryKey({ columns: [t.goal_id, t.idx] })],
);
