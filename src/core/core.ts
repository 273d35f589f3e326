// The butler's core: the SQLite store, the event bus, and the one door (registry, policy, confirmations, scheduler).
// The same buildCore() is used by the service and by the tests. In the service it runs as the essential "db" part.
import { join } from 'node:path';
import { registerButlerActions } from '../actions/builtin/butler';
import { registerHaActions } from '../actions/builtin/ha';
import { ConfirmationStore } from '../actions/confirmations';
import { ActionDoor } from '../actions/door';
import { ModeState } from '../actions/modes';
import { PolicyEngine } from '../actions/policy';
import { ActionRegistry } from '../actions/registry';
import { Scheduler } from '../actions/scheduler';
import { Bus } from '../bus/bus';
import { EventIngest } from '../bus/ingest';
import type { HomeAssistantConnection } from '../ha/types';
import { type Logger, silentLogger } from '../log';
import { AuditStore } from '../store/audit';
import { applyPendingRestore } from '../store/backup';
import { type OpenedDb, openDatabase } from '../store/db';
import { KeyValueStore } from '../store/kv';
import type { HomeMode } from '../types';
import type { ComponentHealth, MetricFamily, Part } from '../parts/part';

export interface CoreOptions {
  /** Where butler.db lives. */
  dataDir: string;
  log?: Logger;
  homeMode?: HomeMode;
  actionTimeoutMs?: number;
  confirmationTimeoutS?: number;
  /** WAL checkpoints on a worker thread (the service); tests keep them inline. */
  backgroundCheckpoints?: boolean;
  /** The audit trail's batches written on a worker thread with its own connection (the service). */
  backgroundWrites?: boolean;
  /** Option db_max_mb: writes beyond it fail with SQLITE_FULL, as on a full disk (reads go on). */
  dbMaxMb?: number;
}

export interface Core {
  dir: string;
  db: OpenedDb;
  bus: Bus;
  audit: AuditStore;
  kv: KeyValueStore;
  registry: ActionRegistry;
  modes: ModeState;
  policy: PolicyEngine;
  confirmations: ConfirmationStore;
  door: ActionDoor;
  scheduler: Scheduler;
  ingest: EventIngest;
  /** Flushes pending writes and closes the database. */
  close(): void;
}

export function buildCore(opts: CoreOptions): Core {
  const log = opts.log ?? silentLogger();
  // A staged restore (butler restore <file>), or the newest backup when the database is gone, before it opens.
  const restore = applyPendingRestore(opts.dataDir);
  if (restore.rejected) log.error({ reason: restore.rejected }, 'the staged restore was not applied; the database is unchanged');
  if (restore.restored) log.warn(restore.restored, 'database restored from a backup');
  const db = openDatabase(join(opts.dataDir, 'butler.db'), { backgroundCheckpoints: opts.backgroundCheckpoints });
  // A cap on the file (per connection: a connection that writes elsewhere needs the same pragma). SQLite never sets it
  // below the current size, so a database already larger stops growing at once.
  let maxPageCount: number | undefined;
  if (opts.dbMaxMb) {
    const pageSize = db.sqlite.pragma('page_size', { simple: true }) as number;
    maxPageCount = Math.floor((opts.dbMaxMb * 1024 * 1024) / pageSize);
    db.sqlite.pragma(`max_page_count = ${maxPageCount}`);
  }
  const bus = new Bus();
  bus.onListenerError((err, event) => log.error({ err, event }, 'bus listener failed'));
  const audit = new AuditStore(db, { background: opts.backgroundWrites, maxPageCount });
  const kv = new KeyValueStore(db);
  const registry = new ActionRegistry();
  const modes = new ModeState(kv, bus, opts.homeMode ?? 'home');
  const policy = new PolicyEngine(registry, modes);
  const confirmations = new ConfirmationStore(db);
  const door = new ActionDoor(registry, policy, confirmations, audit, bus, {
    actionTimeoutMs: opts.actionTimeoutMs ?? 2000,
    confirmationTimeoutS: opts.confirmationTimeoutS ?? 300,
  });
  const scheduler = new Scheduler(db, log.child({ part: 'scheduler' }));
  const ingest = new EventIngest(audit, bus);
  let closed = false;
  return {
    dir: opts.dataDir,
    db,
    bus,
    audit,
    kv,
    registry,
    modes,
    policy,
    confirmations,
    door,
    scheduler,
    ingest,
    close() {
      if (closed) return;
      closed = true;
      door.abortAll();
      scheduler.stop();
      try {
        audit.flush();
      } finally {
        db.close();
      }
    },
  };
}

export interface CoreActionOptions {
  notifyService: string;
  execAllowlist: string[];
  scriptAllowlist: string[];
}

/** The Home Assistant and butler actions (notify, modes, schedules, allowlisted commands) in the core's registry. */
export function registerCoreActions(core: Core, ha: HomeAssistantConnection, o: CoreActionOptions): void {
  registerHaActions(core.registry, ha);
  registerButlerActions({
    registry: core.registry,
    policy: core.policy,
    modes: core.modes,
    ingest: core.ingest,
    scheduler: core.scheduler,
    ha,
    notifyService: o.notifyService,
    execAllowlist: o.execAllowlist,
    scriptAllowlist: o.scriptAllowlist,
    scriptsDir: join(core.dir, 'scripts'),
  });
}

export interface UpkeepOptions {
  retentionDays: number;
}

/** The core as the essential "db" part: confirmations expire, old rows are pruned, and everything closes on stop. */
export class CorePart implements Part<void> {
  readonly name = 'db';
  readonly essential = true;
  readonly vital = true;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly core: Core,
    private readonly upkeep: UpkeepOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    // Actions in flight when the butler last stopped: reported, never repeated.
    const interrupted = this.core.door.recoverInterrupted();
    for (const r of interrupted) {
      const risk = (r.output as { risk?: string }).risk ?? 'safe';
      this.core.ingest.emit(
        'action.interrupted',
        'butler',
        { plan_id: r.plan_id, index: r.index, action_type: r.action_type, risk },
        risk === 'safe' ? 1 : 2,
      );
    }
    if (this.core.audit.recoveredUnreadable > 0)
      this.log.warn(
        { lines: this.core.audit.recoveredUnreadable },
        'the intent journal ended in a line cut short by the last stop (an action that had not been sent yet); skipped',
      );
    if (this.core.audit.journalError) this.log.warn({ err: this.core.audit.journalError }, 'no intent journal');
    if (interrupted.length > 0)
      this.log.warn(
        { actions: interrupted.map((r) => `${r.action_type} (plan ${r.plan_id})`) },
        'actions interrupted by the last stop were not repeated',
      );
    this.every(5_000, () => this.core.door.expireConfirmations());
    this.every(6 * 3600_000, () => {
      const pruned = this.core.audit.prune(this.upkeep.retentionDays);
      const vacuum = this.core.audit.maintain();
      this.log.info({ pruned, vacuum }, 'store maintenance done');
    });
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(() => {
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'upkeep failed');
      }
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.core.close();
  }

  /** "db": the database is open (vital); "db-writes": the last batch was written (a full disk degrades, reads go on). */
  health(): Record<string, ComponentHealth> {
    const open = this.core.db.sqlite.open;
    const failed = this.core.audit.writeError;
    return {
      db: { ok: open, detail: open ? this.core.db.path : 'closed' },
      'db-writes': failed
        ? { ok: false, detail: `cannot write to the database: ${failed.message} (nothing unwritten was acknowledged)` }
        : {
            ok: true,
            detail: this.core.audit.journalError
              ? `writing (without the intent journal: ${this.core.audit.journalError}; each action's start is committed first)`
              : 'writing',
          },
    };
  }

  metrics(): MetricFamily[] {
    const audit = this.core.audit.stats();
    const door = this.core.door.stats();
    return [
      ['butler_events_total', { type: 'counter', help: 'Events accepted since start.', samples: [[null, audit.events]] }],
      ['butler_plans_total', { type: 'counter', help: 'Plans made since start.', samples: [[null, door.plans]] }],
      [
        'butler_results_total',
        {
          type: 'counter',
          help: 'Action results since start, by status.',
          samples: (['ok', 'error', 'denied', 'pending_confirmation', 'interrupted'] as const).map((s) => [{ status: s }, door[s]]),
        },
      ],
      ['butler_store_pending_writes', { type: 'gauge', help: 'Rows queued for the next batch write.', samples: [[null, audit.pending]] }],
      ['butler_store_flushes_total', { type: 'counter', help: 'Batch writes to SQLite.', samples: [[null, audit.flushes]] }],
      [
        'butler_store_failed_batches_total',
        { type: 'counter', help: 'Batch writes that failed (nothing in them was acknowledged).', samples: [[null, audit.failedBatches]] },
      ],
      [
        'butler_confirmations_pending',
        { type: 'gauge', help: 'Sensitive actions waiting for a person.', samples: [[null, this.core.confirmations.countPending()]] },
      ],
    ];
  }
}
