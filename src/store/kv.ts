// Small persistent values (home mode, privacy) that must survive a restart.
import { eq } from 'drizzle-orm';
import type { OpenedDb } from './db';
import { kv } from './schema/core';

export class KeyValueStore {
  constructor(private readonly store: OpenedDb) {}

  get<T>(key: string, fallback: T): T {
    const row = this.store.db.select({ value: kv.value }).from(kv).where(eq(kv.key, key)).get();
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }

  set(key: string, value: unknown): void {
    const row = { key, value: JSON.stringify(value), updated_ts: Date.now() / 1000 };
    this.store.db
      .insert(kv)
      .values(row)
      .onConflictDoUpdate({ target: kv.key, set: { value: row.value, updated_ts: row.updated_ts } })
      .run();
  }
}
