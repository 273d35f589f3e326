// Memories for the planner's HomeContext: the few that match the request, phrased as lines it can read.
import type { MemoryStore, Memory } from './store';

/** Up to `limit` memories relevant to `text` (BM25), or the newest ones when there is no text. Never throws. */
export function relevantMemories(store: MemoryStore, text: string | undefined, limit = 5): string[] {
  try {
    const found: Memory[] = text?.trim() ? store.searchText(text, limit) : store.list({ limit });
    return found.map(phrase);
  } catch {
    return [];
  }
}

/** Text from outside the household is marked, so the planner treats it as a claim, not an instruction. */
export function phrase(m: Memory): string {
  const body = m.subject ? `${m.subject}: ${m.text}` : m.text;
  return m.trusted ? body : `(unverified, from ${m.source || 'outside'}) ${body}`;
}
