// Planner conversation turns in SQLite, so "and the bedroom too" works after a restart.
import { and, desc, eq, notInArray } from 'drizzle-orm';
import type { ConversationStore, StoredTurn } from '../types';
import type { OpenedDb } from './db';
import { conversationTurns as turns } from './schema/core';

export class SqliteConversationStore implements ConversationStore {
  constructor(
    private readonly store: OpenedDb,
    private readonly keep = 50,
  ) {}

  async load(id: string): Promise<StoredTurn[]> {
    const rows = this.store.db
      .select({ turn: turns.turn })
      .from(turns)
      .where(eq(turns.conversation_id, id))
      .orderBy(desc(turns.id))
      .limit(this.keep)
      .all();
    return rows.reverse().map((r) => JSON.parse(r.turn) as StoredTurn);
  }

  async append(id: string, added: StoredTurn[]): Promise<void> {
    const { db, sqlite } = this.store;
    sqlite.transaction(() => {
      if (added.length)
        db.insert(turns)
          .values(added.map((t) => ({ conversation_id: id, turn: JSON.stringify(t), ts: t.ts })))
          .run();
      // Keep the table bounded per conversation.
      const kept = db.select({ id: turns.id }).from(turns).where(eq(turns.conversation_id, id)).orderBy(desc(turns.id)).limit(this.keep);
      db.delete(turns)
        .where(and(eq(turns.conversation_id, id), notInArray(turns.id, kept)))
        .run();
    })();
  }
}
