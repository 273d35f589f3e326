// Small persistent values (home mode, privacy) that must survive a restart.
import type { OpenedDb } from './db';

export class KeyValueStore {
  constructor(private readonly store: OpenedDb) {}

  get<T>(key: string, fallback: T): T {
    const row = this.store.sqlite.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }

  set(key: string, value: unknown): void {
    this.store.sqlite
      .prepare(
        'INSERT INTO kv (key, value, updated_ts) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ts = excluded.updated_ts',
      )
      .run(key, JSON.stringify(value), Date.now() / 1000);
  }
}
