// Usage per day, kept for the panel's usage page across restarts: language model requests and tokens per model,
// who answered each conversation turn, and a latency histogram per conversation stage. One row per day, metric and
// label; each value only grows during its day.
import { primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const usageDaily = sqliteTable(
  'usage_daily',
  {
    /** The local day, YYYY-MM-DD. */
    day: text('day').notNull(),
    /** llm_requests, llm_errors, llm_input, llm_output, llm_cache_read, llm_cache_write (label: model); answered
     * (label: offline, planner, flow, confirmation, none); stage_ms (label: "<stage>|<bucket upper bound in ms>"). */
    metric: text('metric').notNull(),
    label: text('label').notNull(),
    value: real('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.metric, t.label] })],
);
