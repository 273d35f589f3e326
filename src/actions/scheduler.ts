// One-shot scheduled tasks (schedule_task, timers): persisted, so they survive a restart; overdue ones run at start.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { and, asc, desc, eq, inArray, min } from 'drizzle-orm';
import type { OpenedDb } from '../store/db';
import { scheduledTasks as tasks } from '../store/schema/core';
import type { ActionRequest, Origin } from '../types';
import type { ActionExecutor } from './types';

export interface ScheduledTask {
  task_id: string;
  name: string;
  run_at: number;
  actions: ActionRequest[];
  origin: Origin;
  /** `paused`: a timer held with `paused_left_s` seconds to go; it does not run until resumed. */
  status: 'pending' | 'paused' | 'running' | 'done' | 'failed' | 'cancelled';
  created_ts: number;
  plan_id: string | null;
  last_error: string | null;
  paused_left_s: number | null;
}

type Row = typeof tasks.$inferSelect;

const MAX_TIMER_MS = 2 ** 31 - 1;

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private executor: ActionExecutor | null = null;

  constructor(
    private readonly store: OpenedDb,
    private readonly log: Logger,
  ) {}

  start(executor: ActionExecutor): void {
    this.executor = executor;
    this.running = true;
    // A task that was running when the butler stopped may have acted already: report it rather than run it twice.
    this.store.db
      .update(tasks)
      .set({ status: 'failed', last_error: 'interrupted by a restart; not run again in case it had already acted' })
      .where(eq(tasks.status, 'running'))
      .run();
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(task: { name?: string; run_at: number; actions: ActionRequest[]; origin: Origin }): ScheduledTask {
    const t: ScheduledTask = {
      task_id: randomUUID(),
      name: task.name ?? '',
      run_at: task.run_at,
      actions: task.actions,
      origin: task.origin,
      status: 'pending',
      created_ts: Date.now() / 1000,
      plan_id: null,
      last_error: null,
      paused_left_s: null,
    };
    this.store.db
      .insert(tasks)
      .values({
        task_id: t.task_id,
        name: t.name,
        run_at: t.run_at,
        actions: JSON.stringify(t.actions),
        origin: JSON.stringify(t.origin),
        status: t.status,
        created_ts: t.created_ts,
      })
      .run();
    this.arm();
    return t;
  }

  /** Cancels by id, or every pending (or paused) task with that name; returns what was cancelled. */
  cancel(idOrName: string): ScheduledTask[] {
    const pending = this.matching(idOrName, ['pending', 'paused']);
    for (const t of pending)
      this.store.db
        .update(tasks)
        .set({ status: 'cancelled' })
        .where(and(eq(tasks.task_id, t.task_id), inArray(tasks.status, ['pending', 'paused'])))
        .run();
    this.arm();
    return pending.map((t) => ({ ...t, status: 'cancelled' }));
  }

  /**
   * Moves pending tasks (by id, or every one with that name) `deltaSec` later (earlier when negative, never before
   * now); a paused one keeps its new time left for when it resumes. Returns the tasks as they are now.
   */
  shift(idOrName: string, deltaSec: number): ScheduledTask[] {
    const now = Date.now() / 1000;
    const out: ScheduledTask[] = [];
    for (const t of this.matching(idOrName, ['pending', 'paused'])) {
      if (t.status === 'paused') {
        const left = Math.max(0, (t.paused_left_s ?? 0) + deltaSec);
        this.store.db.update(tasks).set({ paused_left_s: left }).where(eq(tasks.task_id, t.task_id)).run();
        out.push({ ...t, paused_left_s: left });
      } else {
        const runAt = Math.max(now, t.run_at + deltaSec);
        this.store.db
          .update(tasks)
          .set({ run_at: runAt })
          .where(and(eq(tasks.task_id, t.task_id), eq(tasks.status, 'pending')))
          .run();
        out.push({ ...t, run_at: runAt });
      }
    }
    this.arm();
    return out;
  }

  /** Pauses pending tasks (by id or name): they keep the time they had left. */
  pause(idOrName: string): ScheduledTask[] {
    const now = Date.now() / 1000;
    const out: ScheduledTask[] = [];
    for (const t of this.matching(idOrName, ['pending'])) {
      const left = Math.max(0, t.run_at - now);
      this.store.db
        .update(tasks)
        .set({ status: 'paused', paused_left_s: left })
        .where(and(eq(tasks.task_id, t.task_id), eq(tasks.status, 'pending')))
        .run();
      out.push({ ...t, status: 'paused', paused_left_s: left });
    }
    this.arm();
    return out;
  }

  /** Resumes paused tasks (by id or name) with the time they had left. */
  resume(idOrName: string): ScheduledTask[] {
    const now = Date.now() / 1000;
    const out: ScheduledTask[] = [];
    for (const t of this.matching(idOrName, ['paused'])) {
      const runAt = now + (t.paused_left_s ?? 0);
      this.store.db
        .update(tasks)
        .set({ status: 'pending', run_at: runAt, paused_left_s: null })
        .where(and(eq(tasks.task_id, t.task_id), eq(tasks.status, 'paused')))
        .run();
      out.push({ ...t, status: 'pending', run_at: runAt, paused_left_s: null });
    }
    this.arm();
    return out;
  }

  private matching(idOrName: string, statuses: ScheduledTask['status'][]): ScheduledTask[] {
    return statuses.flatMap((s) => this.list(s)).filter((t) => t.task_id === idOrName || (t.name !== '' && t.name === idOrName));
  }

  list(status?: ScheduledTask['status']): ScheduledTask[] {
    const rows: Row[] = status
      ? this.store.db.select().from(tasks).where(eq(tasks.status, status)).orderBy(asc(tasks.run_at)).all()
      : this.store.db.select().from(tasks).orderBy(desc(tasks.run_at)).limit(200).all();
    return rows.map((r) => ({
      ...r,
      actions: JSON.parse(r.actions) as ActionRequest[],
      origin: JSON.parse(r.origin) as Origin,
      status: r.status as ScheduledTask['status'],
    }));
  }

  private arm(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.store.db
      .select({ t: min(tasks.run_at) })
      .from(tasks)
      .where(eq(tasks.status, 'pending'))
      .get()!;
    if (next.t === null) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.t * 1000 - Date.now()));
    this.timer = setTimeout(() => void this.runDue(), delay);
    this.timer.unref();
  }

  private async runDue(): Promise<void> {
    this.timer = null;
    const now = Date.now() / 1000;
    const due = this.list('pending').filter((t) => t.run_at <= now);
    for (const task of due) {
      // Claim it first so a crash mid-run does not run it twice.
      const claimed = this.store.db
        .update(tasks)
        .set({ status: 'running' })
        .where(and(eq(tasks.task_id, task.task_id), eq(tasks.status, 'pending')))
        .run().changes;
      if (!claimed || !this.executor) continue;
      try {
        const outcome = await this.executor.execute({
          actions: task.actions,
          origin: { ...task.origin, source: task.origin.source === 'schedule' ? 'schedule' : `schedule:${task.origin.source}` },
          reason: `scheduled task ${task.name || task.task_id}`,
        });
        const failed = outcome.results.filter((r) => r.status === 'error');
        this.store.db
          .update(tasks)
          .set({
            status: failed.length ? 'failed' : 'done',
            plan_id: outcome.plan_id,
            last_error: failed.length ? JSON.stringify(failed.map((f) => f.output)) : null,
          })
          .where(eq(tasks.task_id, task.task_id))
          .run();
      } catch (err) {
        this.log.error({ err, task_id: task.task_id }, 'scheduled task failed');
        this.store.db
          .update(tasks)
          .set({ status: 'failed', last_error: (err as Error).message })
          .where(eq(tasks.task_id, task.task_id))
          .run();
      }
    }
    this.arm();
  }
}
