// The audit trail: every event, plan and result, written in batches off the hot path.
// Reads flush first, so a query always sees everything accepted before it. close() flushes: nothing accepted is lost.
// `committed()` resolves once everything recorded before the call is in a committed transaction: the entrances (MQTT
// PUBACK, HTTP 2xx, Wyoming `handled`) answer only then, so nothing acknowledged can be lost by a crash.
import type { Statement } from 'better-sqlite3';
import { and, desc, eq, getTableColumns, gte, inArray, lte, lt, Param, Placeholder, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ActionPlan, ActionResult, ButlerEvent, Json, JsonObject } from '../types';
import type { OpenedDb, Sqlite } from './db';
import { incrementalVacuum, optimize } from './raw';
import { events, plans, results } from './schema/core';
import { actionIntents } from './schema/reliability';
import { INTENT_JOURNAL_SUFFIX, IntentJournal } from './intent-journal';
import { type BatchOutcome, BatchWriter, type WriterRow } from './writer';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Op =
  | { kind: 'event'; row: ButlerEvent }
  | { kind: 'plan'; row: ActionPlan }
  | { kind: 'result'; row: ActionResult; started?: boolean }
  | { kind: 'intent'; row: ActionIntent };

/** An action about to be sent to its target (committed before it is sent; removed with its result). */
export interface ActionIntent {
  plan_id: string;
  index: number;
  action_type: string;
  risk: string;
  started_ts: number;
}

export interface Page {
  limit?: number;
  /** Return rows strictly older than this ts (keyset pagination: pass the last row's ts). */
  before?: number;
  since?: number;
  until?: number;
}

export interface TimelineEntry {
  event: ButlerEvent | null;
  plans: { plan: ActionPlan; results: ActionResult[] }[];
}

export interface AuditCounters {
  events: number;
  plans: number;
  results: number;
  flushes: number;
  /** Batches that could not be written (their waiters were told; nothing of them was acknowledged). */
  failedBatches: number;
  lostRows: number;
  pending: number;
}

const MAX_LIMIT = 1000;

function clampLimit(limit: number | undefined): number {
  return Math.max(1, Math.min(MAX_LIMIT, Math.floor(limit ?? 100)));
}

/** A batch handed to the writer: its waiters, the events and plans in it, and its newest journal mark. */
interface Batch {
  seq: number;
  size: number;
  waiting: AuditStore['waiting'];
  events: Set<string>;
  /** Every event and plan recorded up to this number is in this batch or an earlier one. */
  upTo: number;
  mark: number;
}

export class AuditStore {
  private queue: Op[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The promise of the batch now queued, made only when someone waits for it. */
  private waiting: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | null = null;
  private lastError: Error | null = null;
  /** Ids of the events in the queue (a redelivery may arrive before its first copy is written). */
  private queuedEvents = new Set<string>();
  /** Marks of actions about to be sent (null for a database in memory: then the mark is committed before sending). */
  private journal: IntentJournal | null = null;
  /** Why there is no journal for a database on disk (its marks are then committed before each action instead). */
  journalError: string | null = null;
  /** The newest journal mark in the queue (0: none). */
  private queuedMark = 0;
  /**
   * Events and plans recorded since the last journal mark and not yet known to be committed, numbered in the order
   * they were recorded. The next mark carries them: an action is sent only once what led to it is durable, so the
   * redelivery of an unacknowledged event that already acted is recognised after a kill, not acted on again.
   */
  private unjournaled: { seq: number; op: Op }[] = [];
  private recorded = 0;
  private readonly counters = { events: 0, plans: 0, results: 0, flushes: 0, failedBatches: 0, lostRows: 0 };
  private readonly insertEvent: Statement;
  private readonly insertPlan: Statement;
  private readonly insertResult: Statement;
  private readonly insertIntent: Statement;
  private readonly deleteIntent: Statement;
  private readonly writeBatch;

  /** Set when batches are written on a worker thread (`background: true`). */
  private readonly writer: BatchWriter | null = null;
  /** Batches sent to the writer and not yet answered, oldest first, with their waiters and event ids. */
  private readonly inflight: Batch[] = [];

  constructor(
    private readonly store: OpenedDb,
    private readonly opts: {
      flushIntervalMs?: number;
      maxBatch?: number;
      background?: boolean;
      /** The file's cap (PRAGMA max_page_count) for the writer's own connection: the pragma is per connection. */
      maxPageCount?: number;
    } = {},
  ) {
    const { db, sqlite } = store;
    // Built by drizzle from the tables, prepared once, run many times inside one transaction per batch. An event seen
    // twice (same id) is kept once; a plan recorded again replaces the earlier row.
    this.insertEvent = bindByPosition(sqlite, db.insert(events).values(placeholders(events)).onConflictDoNothing(), [
      'event_id',
      'ts',
      'source',
      'type',
      'payload',
      'severity',
      'correlation_id',
    ]);
    this.insertPlan = bindByPosition(
      sqlite,
      db
        .insert(plans)
        .values(placeholders(plans))
        .onConflictDoUpdate({ target: plans.plan_id, set: fromExcluded(plans) }),
      ['plan_id', 'triggered_by_event_id', 'actions', 'policy', 'reason', 'created_ts', 'source', 'trusted', 'conversation_id'],
    );
    this.insertResult = bindByPosition(sqlite, db.insert(results).values(placeholders(results, ['id'])), [
      'plan_id',
      'idx',
      'action_type',
      'status',
      'output',
      'ts',
    ]);
    this.insertIntent = bindByPosition(sqlite, db.insert(actionIntents).values(placeholders(actionIntents)).onConflictDoNothing(), [
      'plan_id',
      'idx',
      'action_type',
      'risk',
      'started_ts',
    ]);
    this.deleteIntent = bindByPosition(
      sqlite,
      db
        .delete(actionIntents)
        .where(and(eq(actionIntents.plan_id, sql.placeholder('plan_id')), eq(actionIntents.idx, sql.placeholder('idx')))),
      ['plan_id', 'idx'],
    );
    // A batch is rows for these statements, by position: run here, or by the writer thread on its own connection.
    const statements = [this.insertEvent, this.insertPlan, this.insertResult, this.insertIntent, this.deleteIntent];
    if (opts.background && store.path !== ':memory:')
      this.writer = new BatchWriter(
        store.path,
        statements.map((st) => st.source),
        (o) => this.settled(o),
        { autocheckpoint: store.checkpointer === null, maxPageCount: opts.maxPageCount },
      );
    this.writeBatch = sqlite.transaction((ops: Op[]) => {
      for (const [statement, params] of this.toRows(ops)) statements[statement].run(...params);
    });
    if (store.path !== ':memory:') {
      const path = store.path + INTENT_JOURNAL_SUFFIX;
      try {
        this.recoverJournal(path);
        this.journal = new IntentJournal(path);
        this.journal.empty();
      } catch (err) {
        // A read-only data dir, a database that takes no writes: the file is kept for a start that can read it in.
        this.journal?.close();
        this.journal = null;
        this.journalError = (err as Error).message;
      }
    }
  }

  /** The rows of a batch as the statements take them (insert event, plan, result, intent; delete intent). */
  private toRows(ops: Op[]): WriterRow[] {
    const rows: WriterRow[] = [];
    for (const op of ops) {
      if (op.kind === 'event') {
        const e = op.row;
        rows.push([0, [e.event_id, e.ts, e.source, e.type, JSON.stringify(e.payload), e.severity, e.correlation_id]]);
      } else if (op.kind === 'plan') {
        const p = op.row;
        rows.push([
          1,
          [
            p.plan_id,
            p.triggered_by_event_id,
            JSON.stringify(p.actions),
            p.policy,
            p.reason,
            p.created_ts,
            p.source,
            p.trusted ? 1 : 0,
            p.conversation_id,
          ],
        ]);
      } else if (op.kind === 'result') {
        const r = op.row;
        rows.push([2, [r.plan_id, r.index, r.action_type, r.status, JSON.stringify(r.output ?? null), r.ts]]);
        // Its result is recorded: the action is no longer in flight.
        if (op.started) rows.push([4, [r.plan_id, r.index]]);
      } else {
        const i = op.row;
        rows.push([3, [i.plan_id, i.index, i.action_type, i.risk, i.started_ts]]);
      }
    }
    return rows;
  }

  /** A batch the writer answered: its waiters learn the outcome. */
  private settled(o: BatchOutcome): void {
    const i = this.inflight.findIndex((b) => b.seq === o.seq);
    if (i < 0) return;
    const [batch] = this.inflight.splice(i, 1);
    if (o.error) {
      this.lastError = new Error(o.error);
      this.counters.failedBatches++;
      this.counters.lostRows += batch.size;
      // Not written and never acknowledged: delivered again, so nothing of them is kept for a mark.
      this.settledUpTo(batch.upTo);
      batch.waiting?.reject(this.lastError);
    } else {
      this.lastError = null;
      this.counters.flushes++;
      this.settledUpTo(batch.upTo);
      if (batch.mark > 0) this.journal?.committed(batch.mark);
      batch.waiting?.resolve();
    }
  }

  /** What was recorded up to `upTo` is settled (committed, or failed and never acknowledged): no mark carries it. */
  private settledUpTo(upTo: number): void {
    let n = 0;
    while (n < this.unjournaled.length && this.unjournaled[n].seq <= upTo) n++;
    if (n > 0) this.unjournaled = this.unjournaled.slice(n);
  }

  /**
   * Marks a previous run left in the journal: the events and plans they carry are put into the database (a redelivery
   * of such an event is then a duplicate), and each action without a result gets its intent row, so recovery reports
   * it interrupted. Then the journal is not needed any more.
   */
  private recoverJournal(path: string): void {
    const { entries, unreadable } = IntentJournal.read(path);
    if (unreadable > 0) this.recoveredUnreadable = unreadable;
    if (entries.length === 0) return;
    const { sqlite } = this.store;
    const hasResult = sqlite.prepare('SELECT 1 FROM results WHERE plan_id = ? AND idx = ? LIMIT 1').pluck();
    const hasPlan = sqlite.prepare('SELECT 1 FROM plans WHERE plan_id = ?').pluck();
    const ops: Op[] = [];
    for (const e of entries) {
      for (const row of e.events ?? []) ops.push({ kind: 'event', row });
      // a plan already written may have been recorded again since: the journal's copy never replaces it
      for (const row of e.plans ?? []) if (!hasPlan.get(row.plan_id)) ops.push({ kind: 'plan', row });
      if (!hasResult.get(e.plan_id, e.index)) ops.push({ kind: 'intent', row: e });
    }
    this.writeBatch(ops);
  }

  /** Lines of the journal a previous run left that could not be read (a kill in the middle of writing one). */
  recoveredUnreadable = 0;

  /** With a writer: blocks until every batch sent is answered; throws the error of the last one that failed. */
  private drain(): void {
    if (!this.writer || this.inflight.length === 0) return;
    const failedBefore = this.counters.failedBatches;
    if (!this.writer.waitFor(this.writer.last)) throw new Error('the database writer did not answer within 30 s');
    if (this.counters.failedBatches > failedBefore && this.lastError) throw this.lastError;
  }

  recordEvent(e: ButlerEvent): void {
    this.counters.events++;
    this.queuedEvents.add(e.event_id);
    const op: Op = { kind: 'event', row: e };
    if (this.journal) this.unjournaled.push({ seq: ++this.recorded, op });
    this.enqueue(op);
  }

  /** An event with this id was recorded before (queued or stored): a redelivery. */
  hasEvent(eventId: string): boolean {
    if (this.queuedEvents.has(eventId)) return true;
    if (this.inflight.some((b) => b.events.has(eventId))) return true;
    return this.store.db.select({ id: events.event_id }).from(events).where(eq(events.event_id, eventId)).get() !== undefined;
  }

  /** Ids of stored events that start with `prefix` (at most `limit`): the ids derived for MQTT inputs without one. */
  eventIdsStartingWith(prefix: string, limit = 10): string[] {
    this.flushQuietly(); // only asked for re-sent packets (rare): what is queued or in flight must be seen too
    // A range on the primary key, so the index answers it (LIKE would not use it for a case-sensitive prefix).
    return this.store.db
      .select({ id: events.event_id })
      .from(events)
      .where(and(gte(events.event_id, prefix), lt(events.event_id, `${prefix}\uffff`)))
      .limit(limit)
      .all()
      .map((r) => r.id);
  }

  recordPlan(p: ActionPlan): void {
    this.counters.plans++;
    const op: Op = { kind: 'plan', row: p };
    if (this.journal) this.unjournaled.push({ seq: ++this.recorded, op });
    this.enqueue(op);
  }

  /** `started`: the action had an intent written before it ran (recording its result removes it). */
  recordResult(r: ActionResult, started = false): void {
    this.counters.results++;
    this.enqueue({ kind: 'result', row: r, started });
  }

  /**
   * Makes durable, now, that an action is about to be sent: a mark in the journal (with its plan while that is not
   * committed), queued for the database too; without a journal, a commit of everything queued. Throws when it cannot
   * be written, or when the database is failing to take writes; the caller then does not send the action.
   */
  recordIntentNow(intent: ActionIntent): void {
    if (!this.journal) {
      this.queue.push({ kind: 'intent', row: intent });
      this.flush();
      return;
    }
    if (this.lastError) throw this.lastError;
    const events: ButlerEvent[] = [];
    const plans: ActionPlan[] = [];
    for (const { op } of this.unjournaled) {
      if (op.kind === 'event') events.push(op.row);
      else if (op.kind === 'plan') plans.push(op.row);
    }
    this.queuedMark = this.journal.append({
      ...intent,
      ...(events.length ? { events } : {}),
      ...(plans.length ? { plans } : {}),
    });
    this.unjournaled = [];
    this.enqueue({ kind: 'intent', row: intent });
  }

  /** Actions written as about to be sent whose result was never recorded (the butler stopped meanwhile). */
  unfinishedIntents(): ActionIntent[] {
    this.flushQuietly();
    return this.store.db
      .select()
      .from(actionIntents)
      .orderBy(actionIntents.started_ts)
      .all()
      .map((r) => ({ plan_id: r.plan_id, index: r.idx, action_type: r.action_type, risk: r.risk, started_ts: r.started_ts }));
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    if (this.queue.length >= (this.opts.maxBatch ?? 2000)) this.writeQueued();
    else if (!this.timer) this.timer = setTimeout(() => this.writeQueued(), this.opts.flushIntervalMs ?? 10);
  }

  /** The timer's or a full batch's write: handed to the writer without waiting, or written here. */
  private writeQueued(): void {
    if (this.writer) this.send();
    else this.flushQuietly();
  }

  /** Hands what is queued to the writer, without waiting. */
  private send(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0 || !this.writer) return;
    const ops = this.queue;
    const batch: Batch = {
      seq: 0,
      size: ops.length,
      waiting: this.waiting,
      events: this.queuedEvents,
      upTo: this.recorded,
      mark: this.queuedMark,
    };
    this.queue = [];
    this.waiting = null;
    this.queuedEvents = new Set();
    this.queuedMark = 0;
    batch.seq = this.writer.write(this.toRows(ops));
    this.inflight.push(batch);
  }

  /** A flush from the timer or a full batch: a failure is kept for health and told to the waiters, never thrown. */
  private flushQuietly(): void {
    try {
      this.flush();
    } catch {
      /* recorded in lastError and the counters */
    }
  }

  /**
   * Resolves once everything recorded before this call has been committed (the batch it sits in); rejects with the
   * reason when that batch could not be written (a full disk, a read-only data dir).
   */
  committed(): Promise<void> {
    if (this.queue.length === 0) {
      // With a writer, the newest batch sent may still be on its way.
      const last = this.inflight[this.inflight.length - 1];
      if (!last) return Promise.resolve();
      last.waiting ??= deferred();
      return last.waiting.promise;
    }
    this.waiting ??= deferred();
    return this.waiting.promise;
  }

  /** The last batch that could not be written (null once one is written again): for health. */
  get writeError(): Error | null {
    return this.lastError;
  }

  /** Writes everything queued in one transaction (with a writer: sends it and waits until it is committed). */
  flush(): void {
    if (this.writer) {
      this.writer.poll();
      if (this.inflight.length > 0) {
        this.send();
        this.drain();
        return;
      }
      // Nothing in flight: the worker is idle, so this thread commits the queue itself (a small transaction) instead
      // of waiting for a round trip to the worker — this is on the path of every action about to be sent.
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const ops = this.queue;
    const waiting = this.waiting;
    const mark = this.queuedMark;
    const upTo = this.recorded;
    this.queue = [];
    this.waiting = null;
    this.queuedMark = 0;
    if (this.queuedEvents.size > 0) this.queuedEvents = new Set();
    try {
      if (!this.store.sqlite.open) throw new Error('the database is closed');
      this.writeBatch(ops);
    } catch (err) {
      this.lastError = err instanceof Error ? err : new Error(String(err));
      this.counters.failedBatches++;
      this.counters.lostRows += ops.length;
      if (this.journal) this.settledUpTo(upTo);
      waiting?.reject(this.lastError);
      throw this.lastError;
    }
    this.lastError = null;
    this.counters.flushes++;
    if (this.journal) {
      this.settledUpTo(upTo);
      if (mark > 0) this.journal.committed(mark);
    }
    waiting?.resolve();
  }

  /** Flushes what is queued; the database itself is closed by its owner. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.journal?.close();
      void this.writer?.stop();
    }
  }

  stats(): AuditCounters {
    return { ...this.counters, pending: this.queue.length + this.inflight.reduce((n, b) => n + b.size, 0) };
  }

  // ---- reads -------------------------------------------------------------------------------

  listEvents(filter: Page & { type?: string; source?: string; correlation_id?: string } = {}): ButlerEvent[] {
    this.flushQuietly();
    const where: SQL[] = [];
    if (filter.type) where.push(eq(events.type, filter.type));
    if (filter.source) where.push(eq(events.source, filter.source));
    if (filter.correlation_id) where.push(eq(events.correlation_id, filter.correlation_id));
    if (filter.since !== undefined) where.push(gte(events.ts, filter.since));
    if (filter.until !== undefined) where.push(lte(events.ts, filter.until));
    if (filter.before !== undefined) where.push(lt(events.ts, filter.before));
    const rows = this.store.db
      .select()
      .from(events)
      .where(and(...where))
      .orderBy(desc(events.ts))
      .limit(clampLimit(filter.limit))
      .all();
    return rows.map(rowToEvent);
  }

  getEvent(eventId: string): ButlerEvent | null {
    this.flushQuietly();
    const row = this.store.db.select().from(events).where(eq(events.event_id, eventId)).get();
    return row ? rowToEvent(row) : null;
  }

  listPlans(filter: Page & { event_id?: string; source?: string; conversation_id?: string } = {}): ActionPlan[] {
    this.flushQuietly();
    const where: SQL[] = [];
    if (filter.event_id) where.push(eq(plans.triggered_by_event_id, filter.event_id));
    if (filter.source) where.push(eq(plans.source, filter.source));
    if (filter.conversation_id) where.push(eq(plans.conversation_id, filter.conversation_id));
    if (filter.since !== undefined) where.push(gte(plans.created_ts, filter.since));
    if (filter.until !== undefined) where.push(lte(plans.created_ts, filter.until));
    if (filter.before !== undefined) where.push(lt(plans.created_ts, filter.before));
    const rows = this.store.db
      .select()
      .from(plans)
      .where(and(...where))
      .orderBy(desc(plans.created_ts))
      .limit(clampLimit(filter.limit))
      .all();
    return rows.map(rowToPlan);
  }

  getPlan(planId: string): { plan: ActionPlan; results: ActionResult[] } | null {
    this.flushQuietly();
    const row = this.store.db.select().from(plans).where(eq(plans.plan_id, planId)).get();
    if (!row) return null;
    return { plan: rowToPlan(row), results: this.resultsFor([planId]).get(planId) ?? [] };
  }

  listResults(filter: Page & { plan_id?: string; status?: string; action_type?: string } = {}): ActionResult[] {
    this.flushQuietly();
    const where: SQL[] = [];
    if (filter.plan_id) where.push(eq(results.plan_id, filter.plan_id));
    if (filter.status) where.push(eq(results.status, filter.status));
    if (filter.action_type) where.push(eq(results.action_type, filter.action_type));
    if (filter.since !== undefined) where.push(gte(results.ts, filter.since));
    if (filter.until !== undefined) where.push(lte(results.ts, filter.until));
    if (filter.before !== undefined) where.push(lt(results.ts, filter.before));
    const rows = this.store.db
      .select()
      .from(results)
      .where(and(...where))
      .orderBy(desc(results.ts), desc(results.id))
      .limit(clampLimit(filter.limit))
      .all();
    return rows.map(rowToResult);
  }

  private resultsFor(planIds: string[]): Map<string, ActionResult[]> {
    const out = new Map<string, ActionResult[]>();
    if (planIds.length === 0) return out;
    const rows = this.store.db.select().from(results).where(inArray(results.plan_id, planIds)).orderBy(results.idx, results.id).all();
    for (const row of rows) {
      const list = out.get(row.plan_id) ?? [];
      list.push(rowToResult(row));
      out.set(row.plan_id, list);
    }
    return out;
  }

  /**
   * Event -> plans -> results chains, newest first. Plans with no triggering event (an API call, a schedule)
   * appear as chains of their own with `event: null`.
   */
  timeline(filter: Page = {}): TimelineEntry[] {
    this.flushQuietly();
    const limit = clampLimit(filter.limit ?? 50);
    const evs = this.listEvents({ ...filter, limit });
    const loosePlans = this.listPlans({ ...filter, limit }).filter((p) => !p.triggered_by_event_id);
    const eventIds = evs.map((e) => e.event_id);
    const linked = eventIds.length
      ? this.store.db
          .select()
          .from(plans)
          .where(inArray(plans.triggered_by_event_id, eventIds))
          .orderBy(plans.created_ts)
          .all()
          .map(rowToPlan)
      : [];
    const resultsByPlan = this.resultsFor([...linked, ...loosePlans].map((p) => p.plan_id));
    const plansByEvent = new Map<string, ActionPlan[]>();
    for (const p of linked) {
      const list = plansByEvent.get(p.triggered_by_event_id!) ?? [];
      list.push(p);
      plansByEvent.set(p.triggered_by_event_id!, list);
    }
    const entries: (TimelineEntry & { ts: number })[] = [
      ...evs.map((e) => ({
        ts: e.ts,
        event: e,
        plans: (plansByEvent.get(e.event_id) ?? []).map((plan) => ({ plan, results: resultsByPlan.get(plan.plan_id) ?? [] })),
      })),
      ...loosePlans.map((plan) => ({
        ts: plan.created_ts,
        event: null,
        plans: [{ plan, results: resultsByPlan.get(plan.plan_id) ?? [] }],
      })),
    ];
    entries.sort((a, b) => b.ts - a.ts);
    return entries.slice(0, limit).map(({ event, plans: p }) => ({ event, plans: p }));
  }

  // ---- upkeep ------------------------------------------------------------------------------

  /** Deletes what is older than the retention; returns how many rows went. */
  prune(retentionDays: number, now = Date.now() / 1000): { events: number; plans: number; results: number } {
    this.flushQuietly();
    const cutoff = now - retentionDays * 86400;
    const { db, sqlite } = this.store;
    return sqlite.transaction(() => ({
      results: db.delete(results).where(lt(results.ts, cutoff)).run().changes,
      plans: db.delete(plans).where(lt(plans.created_ts, cutoff)).run().changes,
      events: db.delete(events).where(lt(events.ts, cutoff)).run().changes,
    }))();
  }

  /** PRAGMA optimize and an incremental vacuum of up to `pages` free pages. */
  maintain(pages = 1000): { freed_pages: number } {
    optimize(this.store.sqlite);
    return { freed_pages: incrementalVacuum(this.store.sqlite, pages) };
  }

  count(table: 'events' | 'plans' | 'results'): number {
    this.flushQuietly();
    const t = table === 'events' ? events : table === 'plans' ? plans : results;
    return this.store.db.select({ n: sql<number>`count(*)` }).from(t).get()!.n;
  }
}

/**
 * The statement of a drizzle query, to be run by better-sqlite3 with its parameters in `order`. Drizzle's own
 * prepared queries map every parameter through their placeholder machinery on each run, which costs the batch
 * writer about a quarter of its throughput; binding by position costs nothing. Throws at start-up if drizzle's
 * parameters are not the placeholders named in `order`, so a changed table cannot bind values to the wrong columns.
 */
function bindByPosition(sqlite: Sqlite, query: { toSQL(): { sql: string; params: unknown[] } }, order: string[]): Statement {
  const { sql: text, params } = query.toSQL();
  const names = params.map((p) => {
    const value = p instanceof Param ? p.value : p;
    return value instanceof Placeholder ? value.name : '(a value)';
  });
  if (names.join() !== order.join()) throw new Error(`audit insert binds ${names.join(', ')}, not ${order.join(', ')}`);
  return sqlite.prepare(text);
}

/** `{column: placeholder}` for every column of a table but `omit`: the values of an insert prepared once. */
function placeholders<T extends SQLiteTable, K extends keyof T['$inferInsert'] = never>(table: T, omit: K[] = []) {
  const names = Object.keys(getTableColumns(table)).filter((k) => !omit.includes(k as K));
  return Object.fromEntries(names.map((k) => [k, sql.placeholder(k)])) as { [C in Exclude<keyof T['$inferInsert'], K>]-?: Placeholder };
}

/** `{column: excluded.column}` for every column but the primary key: an upsert that replaces the whole row. */
function fromExcluded<T extends SQLiteTable>(table: T): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table)))
    if (!column.primary) set[key] = sql`excluded.${sql.identifier(column.name)}`;
  return set;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function rowToEvent(r: typeof events.$inferSelect): ButlerEvent {
  return {
    event_id: r.event_id,
    ts: r.ts,
    source: r.source,
    type: r.type,
    payload: parseJson(r.payload) as JsonObject,
    severity: r.severity,
    correlation_id: r.correlation_id,
  };
}

function rowToPlan(r: typeof plans.$inferSelect): ActionPlan {
  return {
    plan_id: r.plan_id,
    triggered_by_event_id: r.triggered_by_event_id,
    actions: parseJson(r.actions) as unknown as ActionPlan['actions'],
    policy: r.policy,
    reason: r.reason,
    created_ts: r.created_ts,
    source: r.source,
    trusted: r.trusted,
    conversation_id: r.conversation_id,
  };
}

function rowToResult(r: typeof results.$inferSelect): ActionResult {
  return {
    plan_id: r.plan_id,
    index: r.idx,
    action_type: r.action_type,
    status: r.status as ActionResult['status'],
    output: parseJson(r.output),
    ts: r.ts,
  };
}
