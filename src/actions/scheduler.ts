// One-shot scheduled tasks (schedule_task, timers): persisted, so they survive a restart; overdue ones run at start.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { OpenedDb } from '../store/db';
import type { ActionRequest, Origin } from '../types';
import type { ActionExecutor } from './types';

export interface ScheduledTask {
  task_id: string;
  name: string;
  run_at: number;
  actions: ActionRequest[];
  origin: Origin;
  status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  created_ts: number;
  plan_id: string | null;
  last_error: string | null;
}

interface Row extends Omit<ScheduledTask, 'actions' | 'origin' | 'status'> {
  actions: string;
  origin: string;
  status: string;
}

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
    this.store.sqlite
      .prepare(
        "UPDATE scheduled_tasks SET status = 'failed', last_error = 'interrupted by a restart; not run again in case it had already acted' WHERE status = 'running'",
      )
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
    };
    this.store.sqlite
      .prepare('INSERT INTO scheduled_tasks (task_id, name, run_at, actions, origin, status, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(t.task_id, t.name, t.run_at, JSON.stringify(t.actions), JSON.stringify(t.origin), t.status, t.created_ts);
    this.arm();
    return t;
  }

  /** Cancels by id, or every pending task with that name; returns what was cancelled. */
  cancel(idOrName: string): ScheduledTask[] {
    const pending = this.list('pending').filter((t) => t.task_id === idOrName || (t.name !== '' && t.name === idOrName));
    for (const t of pending)
      this.store.sqlite.prepare("UPDATE scheduled_tasks SET status = 'cancelled' WHERE task_id = ? AND status = 'pending'").run(t.task_id);
    this.arm();
    return pending.map((t) => ({ ...t, status: 'cancelled' }));
  }

  list(status?: ScheduledTask['status']): ScheduledTask[] {
    const rows = (
      status
        ? this.store.sqlite.prepare('SELECT * FROM scheduled_tasks WHERE status = ? ORDER BY run_at').all(status)
        : this.store.sqlite.prepare('SELECT * FROM scheduled_tasks ORDER BY run_at DESC LIMIT 200').all()
    ) as Row[];
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
    const next = this.store.sqlite.prepare("SELECT min(run_at) AS t FROM scheduled_tasks WHERE status = 'pending'").get() as {
      t: number | null;
    };
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
      const claimed = this.store.sqlite
        .prepare("UPDATE scheduled_tasks SET status = 'running' WHERE task_id = ? AND status = 'pending'")
        .run(task.task_id).changes;
      if (!claimed || !this.executor) continue;
      try {
        const outcome = await this.executor.execute({
          actions: task.actions,
          origin: { ...task.origin, source: task.origin.source === 'schedule' ? 'schedule' : `schedule:${task.origin.source}` },
          reason: `scheduled task ${task.name || task.task_id}`,
        });
        const failed = outcome.results.filter((r) => r.status === 'error');
        this.store.sqlite
          .prepare('UPDATE scheduled_tasks SET status = ?, plan_id = ?, last_error = ? WHERE task_id = ?')
          .run(
            failed.length ? 'failed' : 'done',
            outcome.plan_id,
            failed.length ? JSON.stringify(failed.map((f) => f.output)) : null,
            task.task_id,
          );
      } catch (err) {
        this.log.error({ err, task_id: task.task_id }, 'scheduled task failed');
        this.store.sqlite
          .prepare("UPDATE scheduled_tasks SET status = 'failed', last_error = ? WHERE task_id = ?")
          .run((err as Error).message, task.task_id);
      }
    }
    this.arm();
  }
}
