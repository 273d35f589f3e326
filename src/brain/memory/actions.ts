// The memory actions, declared once: remember, recall, update, forget. Recall's output carries `reply`, the sentence to say.
import type { ActionRegistry } from '../../actions/registry';
import type { JsonObject } from '../../types';
import type { MemoryHit, MemoryStore } from './store';
import { MAX_MEMORY_CHARS, MAX_RECALL, MAX_SUBJECT_CHARS } from './store';
import { MAX_QUERY_CHARS } from './text';

export interface MemoryActionsHost {
  registry: ActionRegistry;
  memory: MemoryStore;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function memoryJson(m: MemoryHit): JsonObject {
  return { id: m.id, text: m.text, subject: m.subject, trusted: m.trusted, created_ts: m.created_ts, score: m.score };
}

/** The sentence the butler says for a recall (Chinese when the question was). */
export function recallReply(query: string, hits: { text: string; subject: string | null }[]): string {
  const zh = CJK.test(query);
  const topic = query.trim();
  const items = hits.map((h) => (h.subject ? `${h.subject}: ${h.text}` : h.text).replace(/[.。]\s*$/, ''));
  if (!items.length) {
    if (zh) return topic ? `关于${topic}，我还什么都不知道。` : '我还什么都没记住。';
    return topic ? `I don't know anything about ${topic} yet.` : "I haven't been asked to remember anything yet.";
  }
  if (zh) return `我记得：${items.join('；')}。`;
  return items.length === 1 ? `I remember that ${items[0]}.` : `Here is what I remember: ${items.join('; ')}.`;
}

export function registerMemoryActions(host: MemoryActionsHost): void {
  const { registry, memory } = host;

  registry.register({
    name: 'memory_remember',
    description: 'Remember a fact or preference about the household for later ("Anna likes the bedroom at 20 degrees").',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: {
        text: { type: 'string', minLength: 1, maxLength: MAX_MEMORY_CHARS, pattern: '\\S', description: 'The fact, as a sentence.' },
        subject: { type: 'string', maxLength: MAX_SUBJECT_CHARS, description: 'Who or what it is about (a person, a room).' },
      },
    },
    risk: 'safe',
    handler: async (params, ctx) => {
      const m = await memory.remember(
        { text: params.text as string, subject: (params.subject as string | undefined) ?? null, origin: ctx.origin },
        ctx.signal,
      );
      return { id: m.id, text: m.text, subject: m.subject, duplicate: m.duplicate, embedded: m.embedded };
    },
  });

  registry.register({
    name: 'memory_recall',
    description: 'Look up what the butler was asked to remember about a topic. The result has the matching memories and a sentence to say.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['query'],
      properties: {
        query: { type: 'string', maxLength: MAX_QUERY_CHARS, description: 'What to look up; empty lists the newest memories.' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_RECALL, default: 5 },
      },
    },
    risk: 'safe',
    handler: async (params, ctx) => {
      const query = params.query as string;
      const limit = (params.limit as number | undefined) ?? 5;
      if (!query.trim()) {
        const recent = memory.list({ limit }).map((m) => ({ ...m, score: 0, bm25_rank: null, vector_rank: null, similarity: null }));
        return { query, mode: 'recent', count: recent.length, memories: recent.map(memoryJson), reply: recallReply(query, recent) };
      }
      const r = await memory.recall(query, limit, ctx.signal);
      return {
        query: r.query,
        mode: r.mode,
        ...(r.degraded ? { degraded: r.degraded } : {}),
        count: r.memories.length,
        memories: r.memories.map(memoryJson),
        reply: recallReply(r.query, r.memories),
      };
    },
  });

  registry.register({
    name: 'memory_update',
    description: 'Correct one memory by its id (ids come from memory_recall): its new text, and optionally its subject.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'text'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        text: { type: 'string', minLength: 1, maxLength: MAX_MEMORY_CHARS, pattern: '\\S', description: 'The fact, as a sentence.' },
        subject: { type: 'string', maxLength: MAX_SUBJECT_CHARS, description: 'Who or what it is about; empty for none.' },
      },
    },
    risk: 'safe',
    handler: async (params, ctx) => {
      const m = await memory.update(
        params.id as number,
        { text: params.text as string, subject: (params.subject as string | undefined) ?? null, origin: ctx.origin },
        ctx.signal,
      );
      return { id: m.id, text: m.text, subject: m.subject, source: m.source, trusted: m.trusted, embedded: m.embedded };
    },
  });

  registry.register({
    name: 'memory_forget',
    description: 'Forget one memory by its id (ids come from memory_recall).',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: { id: { type: 'integer', minimum: 1 } },
    },
    risk: 'safe',
    handler: async (params) => {
      const m = memory.forget(params.id as number);
      if (!m) throw new Error(`no memory with id ${String(params.id)}`);
      return { id: m.id, forgotten: true, text: m.text };
    },
  });
}
