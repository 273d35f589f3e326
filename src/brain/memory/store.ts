// Memories in SQLite: FTS5 (BM25) search always; with an embeddings endpoint configured, each memory also carries a
// float32 vector and search fuses the BM25 ranking with cosine similarity by reciprocal rank fusion (RRF).
// When the endpoint is down, search says so and falls back to BM25; memories stored meanwhile are embedded later.
import { and, asc, count, desc, eq, gt, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { ConflictError, InvalidError, NotFoundError } from '../../errors';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import { memoriesFts } from '../../store/raw';
import { memories } from '../../store/schema/memory';
import type { Origin } from '../../types';
import { EmbeddingsClient, EmbeddingsError, fromBlob, normalize, toBlob, type EmbeddingsConfig } from './embeddings';
import { foldForIndex, ftsQuery, MAX_QUERY_CHARS } from './text';

export const MAX_MEMORY_CHARS = 2000;
export const MAX_SUBJECT_CHARS = 200;
export const MAX_RECALL = 50;

export interface Memory {
  id: number;
  text: string;
  subject: string | null;
  source: string;
  user: string | null;
  /** False when it came from outside the household. */
  trusted: boolean;
  created_ts: number;
  /** Has a vector from the configured embeddings model. */
  embedded: boolean;
}

export interface MemoryHit extends Memory {
  /** Fused score (RRF), higher is better. */
  score: number;
  /** 1-based rank in the BM25 list, or null when the keywords did not match. */
  bm25_rank: number | null;
  /** 1-based rank by cosine similarity, or null. */
  vector_rank: number | null;
  similarity: number | null;
}

export interface RecallResult {
  query: string;
  /** hybrid: BM25 + vectors; fts: BM25 only (no endpoint configured, or it failed: see `degraded`). */
  mode: 'hybrid' | 'fts';
  degraded?: string;
  memories: MemoryHit[];
}

export interface RememberInput {
  text: string;
  subject?: string | null;
  origin?: Origin;
}

export interface MemoryStoreOptions {
  log: Logger;
  embeddings?: EmbeddingsConfig | null;
  /** After the endpoint fails, skip it for this long before trying again (default 30 s; tests use 0). */
  retryAfterMs?: number;
  /** Cosine similarity below which a vector-only match is ignored (default 0.3). */
  minSimilarity?: number;
  /** RRF constant (default 60). */
  rrfK?: number;
}

/** What a Memory is made from (the vector and the folded search text stay in the table). */
const COLUMNS = {
  id: memories.id,
  text: memories.text,
  subject: memories.subject,
  source: memories.source,
  user: memories.user,
  trusted: memories.trusted,
  created_ts: memories.created_ts,
  embedding_model: memories.embedding_model,
};
const CANDIDATES = 50;
const BACKFILL_BATCH = 64;
/** Vectors are loaded this many rows at a time, so a large table never sits in memory twice. */
const VECTOR_PAGE = 1000;
const param = sql.placeholder;

/** The store's queries, prepared once. */
function prepareQueries(db: OpenedDb['db']) {
  const select = () => db.select(COLUMNS).from(memories);
  return {
    insert: db
      .insert(memories)
      .values({
        text: param('text'),
        subject: param('subject'),
        search_text: param('search_text'),
        source: param('source'),
        user: param('user'),
        trusted: param('trusted'),
        created_ts: param('created_ts'),
      })
      .prepare(),
    get: select()
      .where(eq(memories.id, param('id')))
      .prepare(),
    sameText: select()
      .where(eq(memories.search_text, param('search_text')))
      .limit(1)
      .prepare(),
    del: db
      .delete(memories)
      .where(eq(memories.id, param('id')))
      .prepare(),
    count: db.select({ n: count() }).from(memories).prepare(),
    fts: select()
      .innerJoin(memoriesFts.table, memoriesFts.on)
      .where(memoriesFts.match(param('match')))
      .orderBy(memoriesFts.rank)
      .limit(param('limit'))
      .prepare(),
    recent: select()
      .where(lt(memories.id, param('before')))
      .orderBy(desc(memories.id))
      .limit(param('limit'))
      .prepare(),
    setEmbedding: db
      .update(memories)
      // update().set() takes placeholders only inside sql``.
      .set({ embedding: sql`${param('embedding')}`, embedding_model: sql`${param('model')}` })
      .where(eq(memories.id, param('id')))
      .prepare(),
    unembedded: db
      .select({ id: memories.id, text: memories.text, subject: memories.subject })
      .from(memories)
      .where(or(isNull(memories.embedding), isNull(memories.embedding_model), ne(memories.embedding_model, param('model'))))
      .orderBy(asc(memories.id))
      .limit(param('limit'))
      .prepare(),
    embeddings: db
      .select({ id: memories.id, embedding: memories.embedding })
      .from(memories)
      .where(and(isNotNull(memories.embedding), eq(memories.embedding_model, param('model')), gt(memories.id, param('after'))))
      .orderBy(asc(memories.id))
      .limit(VECTOR_PAGE)
      .prepare(),
  };
}

type Row = NonNullable<ReturnType<ReturnType<typeof prepareQueries>['get']['get']>>;

export class MemoryStore {
  private readonly client: EmbeddingsClient | null;
  private readonly log: Logger;
  /** id -> unit vector, for the configured model; loaded on first vector search. */
  private vectors: Map<number, Float32Array> | null = null;
  private downSince = 0;
  /** Some memory may lack a vector (unknown at start; set when embedding one fails). Saves a table scan per search. */
  private backfillDue = true;
  private lastError: string | null = null;
  private readonly q: ReturnType<typeof prepareQueries>;

  constructor(
    private readonly store: OpenedDb,
    private readonly opts: MemoryStoreOptions,
  ) {
    this.log = opts.log;
    this.client = opts.embeddings ? new EmbeddingsClient(opts.embeddings) : null;
    this.q = prepareQueries(store.db);
  }

  /** Whether vectors are in use, and how the endpoint is doing. */
  status(): { embeddings: 'off' | 'ok' | 'down'; detail: string } {
    if (!this.client) return { embeddings: 'off', detail: 'no embeddings endpoint configured: keyword (FTS5) search only' };
    if (this.lastError) return { embeddings: 'down', detail: `${this.lastError}; using keyword search only` };
    return { embeddings: 'ok', detail: `hybrid search with ${this.client.config.model}` };
  }

  count(): number {
    return this.q.count.get()!.n;
  }

  get(id: number): Memory | null {
    const row = this.q.get.get({ id });
    return row ? this.toMemory(row) : null;
  }

  /** Newest first; `before` is an id for paging. */
  list(opts: { limit?: number; before?: number } = {}): Memory[] {
    const limit = clampLimit(opts.limit, 100, 1000);
    return this.q.recent.all({ before: opts.before ?? Number.MAX_SAFE_INTEGER, limit }).map((r) => this.toMemory(r));
  }

  /**
   * Stores a memory (the same text and subject again returns the one already kept) and, with an endpoint
   * configured, its vector; if the endpoint fails the memory is kept without one and embedded later.
   */
  async remember(input: RememberInput, signal?: AbortSignal): Promise<Memory & { duplicate: boolean }> {
    const { text, subject } = this.cleaned(input);
    const search = foldForIndex(text, subject);
    const existing = this.q.sameText.get({ search_text: search });
    if (existing) return { ...this.toMemory(existing), duplicate: true };
    return this.insert(text, subject, search, input.origin, signal);
  }

  /** Checks and tidies a memory's text and subject (whitespace folded); says which field is wrong. */
  private cleaned(input: { text: unknown; subject?: unknown }): { text: string; subject: string | null } {
    const text = typeof input.text === 'string' ? input.text.replace(/\s+/g, ' ').trim() : '';
    if (!text) throw new InvalidError('text: say what to remember (it was empty)');
    if (text.length > MAX_MEMORY_CHARS) throw new InvalidError(`text: at most ${MAX_MEMORY_CHARS} characters (got ${text.length})`);
    const subject = typeof input.subject === 'string' && input.subject.trim() ? input.subject.replace(/\s+/g, ' ').trim() : null;
    if (subject && subject.length > MAX_SUBJECT_CHARS)
      throw new InvalidError(`subject: at most ${MAX_SUBJECT_CHARS} characters (got ${subject.length})`);
    return { text, subject };
  }

  /** The id of the memory already kept with this text and subject (as remember() would fold them), if any. */
  duplicateOf(text: string, subject?: string | null): number | null {
    const { text: t, subject: sub } = this.cleaned({ text, subject });
    return this.q.sameText.get({ search_text: foldForIndex(t, sub) })?.id ?? null;
  }

  /**
   * Rewrites a memory's text and subject. The memory then comes from whoever edited it (their source, user and trust):
   * a person who corrects an untrusted memory vouches for it. Its vector is computed again.
   */
  async update(id: number, input: { text: string; subject?: string | null; origin: Origin }, signal?: AbortSignal): Promise<Memory> {
    if (!this.get(id)) throw new NotFoundError(`no memory with id ${id}`);
    const { text, subject } = this.cleaned(input);
    const search = foldForIndex(text, subject);
    const same = this.q.sameText.get({ search_text: search });
    if (same && same.id !== id) throw new ConflictError(`text: the same memory is already kept (id ${same.id})`);
    const o = input.origin;
    this.store.db
      .update(memories)
      .set({
        text,
        subject,
        search_text: search,
        source: o.source,
        user: o.user ?? null,
        trusted: o.trusted && !o.untrusted_input,
        embedding: null,
        embedding_model: null,
      })
      .where(eq(memories.id, id))
      .run();
    this.vectors?.delete(id);
    this.backfillDue = true;
    if (this.client && this.endpointUsable()) {
      const vec = await this.embedOrNull([embeddingInput(text, subject)], signal);
      if (vec) this.storeVector(id, vec[0]);
    }
    return this.get(id)!;
  }

  private async insert(
    text: string,
    subject: string | null,
    search: string,
    origin: Origin | undefined,
    signal?: AbortSignal,
  ): Promise<Memory & { duplicate: boolean }> {
    const trusted = origin ? origin.trusted && !origin.untrusted_input : true;
    const info = this.q.insert.run({
      text,
      subject,
      search_text: search,
      source: origin?.source ?? '',
      user: origin?.user ?? null,
      trusted,
      created_ts: Date.now() / 1000,
    });
    const id = Number(info.lastInsertRowid);
    if (this.client && this.endpointUsable()) {
      const vec = await this.embedOrNull([embeddingInput(text, subject)], signal);
      if (vec) this.storeVector(id, vec[0]);
      else this.backfillDue = true;
    } else if (this.client) {
      this.backfillDue = true;
    }
    return { ...this.get(id)!, duplicate: false };
  }

  /** Memories were written without vectors (an import): the next recall embeds them. */
  markImported(): void {
    this.backfillDue = true;
  }

  forget(id: number): Memory | null {
    const m = this.get(id);
    if (!m) return null;
    this.q.del.run({ id });
    this.vectors?.delete(id);
    return m;
  }

  /** BM25 only, synchronous (the planner's context). Never throws on odd query text. */
  searchText(query: string, limit = 5): MemoryHit[] {
    return this.bm25(query, clampLimit(limit, 5, MAX_RECALL)).map((m, i) => ({
      ...m,
      score: rrf(i + 1, this.k),
      bm25_rank: i + 1,
      vector_rank: null,
      similarity: null,
    }));
  }

  /** Hybrid search when an endpoint is configured and answering; BM25 otherwise, saying why. */
  async recall(query: string, limit = 5, signal?: AbortSignal): Promise<RecallResult> {
    const q = typeof query === 'string' ? query.slice(0, MAX_QUERY_CHARS) : '';
    const n = clampLimit(limit, 5, MAX_RECALL);
    const keyword = this.bm25(q, Math.max(CANDIDATES, n));
    if (!this.client) return { query: q, mode: 'fts', memories: this.fuse(keyword, [], n) };
    const degraded = () => `${this.lastError ?? 'embeddings endpoint unavailable'}; using keyword search only`;
    if (!this.endpointUsable() || !q.trim()) {
      return { query: q, mode: 'fts', ...(q.trim() ? { degraded: degraded() } : {}), memories: this.fuse(keyword, [], n) };
    }
    const qv = await this.embedOrNull([q], signal);
    if (!qv) return { query: q, mode: 'fts', degraded: degraded(), memories: this.fuse(keyword, [], n) };
    await this.backfill(signal);
    const query1 = normalize(qv[0]);
    const similar = query1 ? topSimilar(query1, this.loadVectors(), Math.max(CANDIDATES, n), this.opts.minSimilarity ?? 0.3) : [];
    return { query: q, mode: 'hybrid', memories: this.fuse(keyword, similar, n) };
  }

  /** Embeds up to one batch of memories that have no vector for the configured model; returns how many. */
  async backfill(signal?: AbortSignal): Promise<number> {
    if (!this.client || !this.backfillDue || !this.endpointUsable()) return 0;
    const rows = this.q.unembedded.all({ model: this.client.config.model, limit: BACKFILL_BATCH });
    if (rows.length < BACKFILL_BATCH) this.backfillDue = false;
    if (!rows.length) return 0;
    const vecs = await this.embedOrNull(
      rows.map((r) => embeddingInput(r.text, r.subject)),
      signal,
    );
    if (!vecs) {
      this.backfillDue = true;
      return 0;
    }
    this.store.sqlite.transaction(() => {
      for (const [i, r] of rows.entries()) this.storeVector(r.id, vecs[i]);
    })();
    return rows.length;
  }

  private get k(): number {
    return this.opts.rrfK ?? 60;
  }

  private bm25(query: string, limit: number): Memory[] {
    const match = ftsQuery(query);
    if (!match) return [];
    try {
      return this.q.fts.all({ match, limit }).map((r) => this.toMemory(r));
    } catch (err) {
      // ftsQuery only emits quoted terms, so this is not expected; never let a query take the butler down.
      this.log.warn({ err, match }, 'memory search: FTS5 rejected the query');
      return [];
    }
  }

  private fuse(keyword: Memory[], similar: { id: number; sim: number }[], limit: number): MemoryHit[] {
    const hits = new Map<number, MemoryHit>();
    keyword.forEach((m, i) => {
      hits.set(m.id, { ...m, score: rrf(i + 1, this.k), bm25_rank: i + 1, vector_rank: null, similarity: null });
    });
    similar.forEach(({ id, sim }, i) => {
      const h = hits.get(id);
      if (h) {
        h.score += rrf(i + 1, this.k);
        h.vector_rank = i + 1;
        h.similarity = round(sim);
        return;
      }
      const m = this.get(id);
      if (m) hits.set(id, { ...m, score: rrf(i + 1, this.k), bm25_rank: null, vector_rank: i + 1, similarity: round(sim) });
    });
    return [...hits.values()]
      .sort((a, b) => b.score - a.score || b.id - a.id)
      .slice(0, limit)
      .map((h) => ({ ...h, score: round(h.score) }));
  }

  private endpointUsable(): boolean {
    if (!this.lastError) return true;
    return Date.now() - this.downSince >= (this.opts.retryAfterMs ?? 30_000);
  }

  private async embedOrNull(inputs: string[], signal?: AbortSignal): Promise<Float32Array[] | null> {
    try {
      const v = await this.client!.embed(inputs, signal);
      if (this.lastError) this.log.info({ model: this.client!.config.model }, 'embeddings endpoint is back: hybrid memory search again');
      this.lastError = null;
      return v;
    } catch (err) {
      if (signal?.aborted) throw err;
      const message = err instanceof EmbeddingsError ? err.message : `embeddings failed: ${(err as Error).message}`;
      if (!this.lastError) this.log.warn({ error: message }, 'embeddings endpoint failed: memory search falls back to keywords (FTS5)');
      this.lastError = message;
      this.downSince = Date.now();
      return null;
    }
  }

  private storeVector(id: number, v: Float32Array): void {
    this.q.setEmbedding.run({ embedding: toBlob(v), model: this.client!.config.model, id });
    const unit = normalize(v);
    if (this.vectors && unit) this.vectors.set(id, unit);
  }

  private loadVectors(): Map<number, Float32Array> {
    if (!this.vectors) {
      this.vectors = new Map();
      const model = this.client!.config.model;
      for (let after = 0, page = this.q.embeddings.all({ model, after }); page.length; page = this.q.embeddings.all({ model, after })) {
        for (const r of page) {
          const unit = normalize(fromBlob(r.embedding!));
          if (unit) this.vectors.set(r.id, unit);
        }
        after = page[page.length - 1].id;
      }
    }
    return this.vectors;
  }

  private toMemory(r: Row): Memory {
    return {
      id: r.id,
      text: r.text,
      subject: r.subject,
      source: r.source,
      user: r.user,
      trusted: r.trusted,
      created_ts: r.created_ts,
      embedded: this.client !== null && r.embedding_model === this.client.config.model,
    };
  }
}

/** The k most similar unit vectors at or above `min`, best first (insertion into a short sorted list: no big sort). */
export function topSimilar(q: Float32Array, vectors: Map<number, Float32Array>, k: number, min: number): { id: number; sim: number }[] {
  const ids: number[] = [];
  const sims: number[] = [];
  for (const [id, v] of vectors) {
    if (v.length !== q.length) continue;
    let s = 0;
    for (let i = 0; i < q.length; i++) s += q[i] * v[i];
    if (s < min || (sims.length === k && s <= sims[k - 1])) continue;
    let p = sims.length === k ? k - 1 : sims.length;
    while (p > 0 && sims[p - 1] < s) {
      sims[p] = sims[p - 1];
      ids[p] = ids[p - 1];
      p--;
    }
    sims[p] = s;
    ids[p] = id;
  }
  return ids.map((id, i) => ({ id, sim: sims[i] }));
}

function embeddingInput(text: string, subject: string | null): string {
  return subject ? `${subject}: ${text}` : text;
}

function rrf(rank: number, k: number): number {
  return 1 / (k + rank);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function clampLimit(v: unknown, dflt: number, max: number): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : dflt;
  return Math.min(Math.max(n, 1), max);
}
