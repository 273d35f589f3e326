// Planner conversation turns in SQLite, so "and the bedroom too" works after a restart.
import type { ConversationStore, StoredTurn } from '../types';
import type { OpenedDb } from './db';

export class SqliteConversationStore implements ConversationStore {
  constructor(
    private readonly store: OpenedDb,
    private readonly keep = 50,
  ) {}

  async load(id: string): Promise<StoredTurn[]> {
    const rows = this.store.sqlite
      .prepare('SELECT turn FROM conversation_turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?')
      .all(id, this.keep) as { turn: string }[];
    return rows.reverse().map((r) => JSON.parse(r.turn) as StoredTurn);
  }

  async append(id: string, turns: StoredTurn[]): Promise<void> {
    const insert = this.store.sqlite.prepare('INSERT INTO conversation_turns (conversation_id, turn, ts) VALUES (?, ?, ?)');
    this.store.sqlite.transaction(() => {
      for (const t of turns) insert.run(id, JSON.stringify(t), t.ts);
      // Keep the table bounded per conversation.
      this.store.sqlite
        .prepare(
          'DELETE FROM conversation_turns WHERE conversation_id = ? AND id NOT IN (SELECT id FROM conversation_turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?)',
        )
        .run(id, id, this.keep);
    })();
  }
}
