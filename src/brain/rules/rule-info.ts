// What the API, the panel and the flows see of a rule: its definition and status, its counters and its current runs.
import type { InvalidRule } from './rule-store';
import type { InstalledRule, RuleRunInfo } from './runner';
import type { Rule } from './schema';

export interface RuleInfo {
  id: string;
  name: string;
  enabled: boolean;
  /** invalid: stored but not loadable (e.g. an action it names is not registered); `errors` says why. */
  status: 'ok' | 'invalid';
  errors?: string[];
  rule: Rule | null;
  run_count: number;
  last_run_ts: number | null;
  running: number;
  queued: number;
  last_run: RuleRunInfo | null;
}

export function installedRuleInfo(id: string, c: InstalledRule): RuleInfo {
  return {
    id,
    name: c.rule.name,
    enabled: c.rule.enabled,
    status: 'ok',
    rule: c.rule,
    run_count: c.runCount,
    last_run_ts: c.lastRunTs,
    running: c.runs.size,
    queued: c.queue.length,
    last_run: c.lastRun,
  };
}

export function invalidRuleInfo(id: string, bad: InvalidRule): RuleInfo {
  return {
    id,
    name: bad.name,
    enabled: bad.enabled,
    status: 'invalid',
    errors: bad.errors,
    rule: null,
    run_count: 0,
    last_run_ts: null,
    running: 0,
    queued: 0,
    last_run: null,
  };
}
