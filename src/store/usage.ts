// Usage per day (usage_daily): counters that only grow during their day, added to with one upsert each.
import { gte, sql } from 'drizzle-orm';
import type { OpenedDb } from './db';
import { usageDaily } from './schema/usage';

export interface UsageRow {
  day: string;
  metric: string;
  label: string;
  value: number;
}

/** The local day of a moment, YYYY-MM-DD (the day a person means by "today"). */
export function localDay(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export class UsageStore {
  constructor(private readonly store: OpenedDb) {}

  /** Adds each row's value to the day's counter (created at 0). */
  add(rows: UsageRow[]): void {
    if (rows.length === 0) return;
    const db = this.store.db;
    db.transaction((tx) => {
      for (const r of rows) {
        tx.insert(usageDaily)
          .values(r)
          .onConflictDoUpdate({
            target: [usageDaily.day, usageDaily.metric, usageDaily.label],
            set: { value: sql`${usageDaily.value} + ${r.value}` },
          })
          .run();
      }
    });
  }

  /** Every counter from `fromDay` (inclusive) on, oldest day first. */
  since(fromDay: string): UsageRow[] {
    return this.store.db.select().from(usageDaily).where(gte(usageDaily.day, fromDay)).orderBy(usageDaily.day).all();
  }
}
