// The in-memory conversation store (tests, the demo). The butler wires a SQLite one with the same interface.
import type { ConversationStore, StoredTurn } from '../../types';

export class InMemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, StoredTurn[]>();

  constructor(private readonly opts: { maxConversations?: number; maxTurnsPerConversation?: number } = {}) {}

  async load(id: string): Promise<StoredTurn[]> {
    return (this.conversations.get(id) ?? []).map((t) => structuredClone(t));
  }

  async append(id: string, turns: StoredTurn[]): Promise<void> {
    const max = this.opts.maxTurnsPerConversation ?? 200;
    const existing = this.conversations.get(id) ?? [];
    // Re-insert so the Map's order is least-recently-used first.
    this.conversations.delete(id);
    this.conversations.set(id, [...existing, ...turns.map((t) => structuredClone(t))].slice(-max));
    const maxConversations = this.opts.maxConversations ?? 1000;
    while (this.conversations.size > maxConversations) {
      const oldest = this.conversations.keys().next().value as string;
      this.conversations.delete(oldest);
    }
  }

  size(): number {
    return this.conversations.size;
  }
}
