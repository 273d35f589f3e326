// The rule engine's clocks: `for` waits (a state has to hold a while before its trigger fires) and the time and
// cron triggers, scheduled with croner.
import { Cron } from 'croner';
import type { Logger } from '../../log';
import { parseClock } from './deps';
import type { InstalledRule } from './runner';

/** The key of one trigger's `for` wait: "<rule id>#<trigger index>". */
export function holdKey(ruleId: string, index: number): string {
  return `${ruleId}#${index}`;
}

/** Pending `for` waits, at most one per trigger. */
export class HoldTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  has(key: string): boolean {
    return this.timers.has(key);
  }

  keys(): string[] {
    return [...this.timers.keys()];
  }

  /** Calls `elapsed` after `ms` unless cancelled first; the timer does not keep the process alive. */
  start(key: string, ms: number, elapsed: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(key);
      elapsed();
    }, ms);
    timer.unref?.();
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/**
 * Schedules the rule's time and cron triggers (once: not for a disabled rule, nor one already scheduled).
 * `tick` gets the trigger's index and a label such as "time 07:30" or "cron 0 * * * *".
 */
export function startClockTriggers(c: InstalledRule, log: Logger, tick: (index: number, label: string) => void): void {
  if (!c.rule.enabled || c.crons.length) return;
  c.rule.triggers.forEach((t, index) => {
    let pattern: string;
    let label: string;
    if (t.kind === 'cron') [pattern, label] = [t.cron, `cron ${t.cron}`];
    else if (t.kind === 'time') {
      const s = parseClock(t.at)!;
      [pattern, label] = [`${s % 60} ${Math.floor(s / 60) % 60} ${Math.floor(s / 3600)} * * *`, `time ${t.at}`];
    } else return;
    c.crons.push(
      new Cron(pattern, { catch: (err) => log.warn({ err, rule: c.rule.id }, 'clock trigger failed') }, () => tick(index, label)),
    );
  });
}

export function stopClockTriggers(c: InstalledRule): void {
  for (const cron of c.crons) cron.stop();
  c.crons = [];
}
