// Running a triggered rule: its conditions, cooldown and mode (single, restart, queued, parallel), then its steps
// (actions in batches through the door, delays, choose), with the run recorded on the rule.
import type { Cron } from 'croner';
import { nowSeconds, type ActionRequest, type JsonObject } from '../../types';
import { evaluateAll, type ConditionContext } from './conditions';
import { abortableSleep, parseDuration, type BrainDeps } from './deps';
import type { RuleStore } from './rule-store';
import type { Rule, RuleStep } from './schema';

export interface RuleRunInfo {
  ts: number;
  trigger: string;
  event_id: string | null;
  status: 'running' | 'ok' | 'error' | 'aborted';
  plan_ids: string[];
  error?: string;
}

/** One trigger going off: what to call the run, and the butler event it links to. */
export interface Fire {
  label: string;
  /** Records the butler event the run links to (lazily: only when the rule really runs). */
  event: () => { event_id: string | null; trusted: boolean };
}

/** A valid rule as the engine holds it: its runs, its queue (queued mode), counters and clock triggers. */
export interface InstalledRule {
  rule: Rule;
  runs: Set<AbortController>;
  queue: Fire[];
  lastStart: number;
  runCount: number;
  lastRunTs: number | null;
  lastRun: RuleRunInfo | null;
  crons: Cron[];
}

export interface RuleCounters {
  runCount: number;
  lastRunTs: number | null;
  lastRun?: RuleRunInfo | null;
}

export function installedRule(rule: Rule, counters: RuleCounters): InstalledRule {
  return {
    rule,
    runs: new Set(),
    queue: [],
    lastStart: 0,
    runCount: counters.runCount,
    lastRunTs: counters.lastRunTs,
    lastRun: counters.lastRun ?? null,
    crons: [],
  };
}

/** Drops the rule's queued runs and aborts the running ones. */
export function abortRuns(c: InstalledRule): void {
  c.queue = [];
  for (const run of c.runs) run.abort();
}

export interface RuleStats {
  events: number;
  matched: number;
  runs: number;
  skipped: number;
  errors: number;
}

/** What the runner asks of the engine that owns the rules. */
export interface RunnerHost {
  /** A trigger only counts while a rule with this id is installed. */
  isInstalled(id: string): boolean;
  /** A queued run starts only while this very rule is still installed and the engine runs. */
  keepsRunning(c: InstalledRule): boolean;
  /** The clock conditions use. */
  now(): Date;
}

interface RunState {
  event_id: string | null;
  trusted: boolean;
  signal: AbortSignal;
  info: RuleRunInfo;
}

export class RuleRunner {
  constructor(
    private readonly deps: BrainDeps,
    private readonly store: RuleStore,
    private readonly stats: RuleStats,
    private readonly host: RunnerHost,
  ) {}

  /** Starts (or queues) a run if conditions, cooldown and mode allow; true when it did. */
  fire(c: InstalledRule, fire: Fire, skipConditions = false): boolean {
    if (!c.rule.enabled || !this.host.isInstalled(c.rule.id)) return false;
    this.stats.matched++;
    try {
      if (!skipConditions && !evaluateAll(c.rule.conditions, this.conditionContext())) return false;
    } catch (err) {
      this.deps.log.warn({ err, rule: c.rule.id }, 'evaluating rule conditions failed');
      return false;
    }
    if (c.rule.cooldown_s > 0 && Date.now() - c.lastStart < c.rule.cooldown_s * 1000) {
      this.stats.skipped++;
      return false;
    }
    const busy = c.runs.size > 0;
    switch (c.rule.mode) {
      case 'single':
        if (busy) {
          this.stats.skipped++;
          return false;
        }
        break;
      case 'restart':
        for (const run of c.runs) run.abort();
        break;
      case 'queued':
        if (busy) {
          if (c.queue.length >= c.rule.max_runs) {
            this.stats.skipped++;
            return false;
          }
          c.queue.push(fire);
          return true;
        }
        break;
      case 'parallel':
        if (c.runs.size >= c.rule.max_runs) {
          this.stats.skipped++;
          return false;
        }
        break;
    }
    void this.run(c, fire);
    return true;
  }

  private conditionContext(): ConditionContext {
    return {
      getState: (id) => this.deps.ha.getState(id),
      mode: this.deps.modes.mode,
      privacy: this.deps.modes.privacy,
      now: this.host.now(),
    };
  }

  private async run(c: InstalledRule, fire: Fire): Promise<void> {
    const controller = new AbortController();
    c.runs.add(controller);
    c.lastStart = Date.now();
    this.stats.runs++;
    let info: RuleRunInfo = { ts: nowSeconds(), trigger: fire.label, event_id: null, status: 'running', plan_ids: [] };
    c.lastRun = info;
    try {
      const { event_id, trusted } = fire.event();
      info.event_id = event_id;
      c.runCount++;
      c.lastRunTs = info.ts;
      try {
        this.store.recordRun(c.rule.id, c.runCount, info.ts);
      } catch (err) {
        this.deps.log.warn({ err, rule: c.rule.id }, 'recording a rule run failed');
      }
      await this.runSteps(c, c.rule.actions, { event_id, trusted, signal: controller.signal, info });
      info = { ...info, status: controller.signal.aborted ? 'aborted' : info.status === 'error' ? 'error' : 'ok' };
    } catch (err) {
      this.stats.errors++;
      info = { ...info, status: controller.signal.aborted ? 'aborted' : 'error', error: (err as Error).message };
      if (!controller.signal.aborted) this.deps.log.warn({ err, rule: c.rule.id }, 'rule run failed');
    } finally {
      c.runs.delete(controller);
      c.lastRun = info;
      const next = c.queue.shift();
      if (next && this.host.keepsRunning(c)) void this.run(c, next);
    }
  }

  private async runSteps(c: InstalledRule, steps: RuleStep[], r: RunState): Promise<void> {
    let batch: ActionRequest[] = [];
    const flush = async () => {
      while (batch.length) {
        const actions = batch.slice(0, 20);
        batch = batch.slice(20);
        if (r.signal.aborted) return;
        const out = await this.deps.door.execute({
          actions,
          origin: { source: 'rule', trusted: r.trusted },
          triggered_by_event_id: r.event_id,
          reason: `rule ${c.rule.id}: ${c.rule.name}`,
        });
        r.info.plan_ids.push(out.plan_id);
        const failed = out.results.filter((x) => x.status === 'error' || x.status === 'denied');
        if (failed.length) {
          r.info.status = 'error';
          r.info.error = failed.map((x) => `${x.action_type}: ${x.status}`).join('; ');
        }
      }
    };
    for (const step of steps) {
      if (r.signal.aborted) return;
      if ('action_type' in step) batch.push({ action_type: step.action_type, params: (step.params ?? {}) as JsonObject });
      else if ('delay' in step) {
        await flush();
        await abortableSleep(parseDuration(step.delay) ?? 0, r.signal);
      } else {
        await flush();
        const ctx = this.conditionContext();
        const branch = step.choose.find((b) => evaluateAll(b.conditions, ctx));
        const chosen = branch ? branch.actions : step.default;
        if (chosen) await this.runSteps(c, chosen, r);
      }
    }
    await flush();
  }
}
