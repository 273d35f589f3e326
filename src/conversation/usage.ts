// The usage part (health component "usage"): keeps per day what the usage page shows, across restarts — language
// model requests and tokens per model (the planner's counters, added as they grow), who answered each turn (offline,
// planner, a flow …) and how long each conversation stage took (a histogram, so p50/p95 need no raw samples).
import { estimateCost } from '../brain/planner/prices';
import type { PlannerStats } from '../brain/planner/types';
import type { Logger } from '../log';
import type { ComponentHealth, Part } from '../parts/part';
import type { OpenedDb } from '../store/db';
import { localDay, type UsageRow, UsageStore } from '../store/usage';
import type { ConversationPipeline, PipelineObservation } from './pipeline';

/** Upper bounds (ms) of the stage latency buckets; a time above the last lands in "inf". */
export const STAGE_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000] as const;
const LLM_FIELDS = [
  ['llm_requests', 'requests'],
  ['llm_errors', 'errors'],
  ['llm_input', 'input_tokens'],
  ['llm_output', 'output_tokens'],
  ['llm_cache_write', 'cache_creation_input_tokens'],
  ['llm_cache_read', 'cache_read_input_tokens'],
] as const satisfies readonly (readonly [string, keyof PlannerStats])[];

export interface UsageHost {
  db: OpenedDb;
  pipeline: Pick<ConversationPipeline, 'observe'>;
  /** The model's counters since the start; null without a model. */
  llm: { model: string; stats(): PlannerStats } | null;
  log: Logger;
}

export interface StageLatency {
  count: number;
  /** Upper bounds of the buckets holding the median and the 95th percentile, in ms (null: above the last bucket). */
  p50_ms: number | null;
  p95_ms: number | null;
}

export interface UsageDay {
  day: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** Estimated US dollars (prices in brain/planner/prices.ts); null when a model used that day has no price. */
  cost_usd: number | null;
  models: string[];
  /** Turns by who answered them. */
  answered: Record<string, number>;
  /** The share of understood turns answered offline (0..1), null without any. */
  offline_share: number | null;
  stages: Record<string, StageLatency>;
}

export interface UsageReport {
  days: UsageDay[];
  model: string | null;
  buckets_ms: readonly number[];
}

function bucketOf(ms: number): string {
  const b = STAGE_BUCKETS_MS.find((x) => ms <= x);
  return b === undefined ? 'inf' : String(b);
}

/** The bucket upper bound holding quantile q of a histogram (bucket label → count). */
export function quantileBucket(hist: Map<string, number>, q: number): number | null {
  const order = [...STAGE_BUCKETS_MS.map(String), 'inf'];
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of order) {
    seen += hist.get(b) ?? 0;
    if (seen >= q * total) return b === 'inf' ? null : Number(b);
  }
  return null;
}

export function summarise(rows: UsageRow[]): UsageDay[] {
  const byDay = new Map<string, UsageRow[]>();
  for (const r of rows) {
    if (!byDay.has(r.day)) byDay.set(r.day, []);
    byDay.get(r.day)!.push(r);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, list]) => {
      const sum = (metric: string) => list.filter((r) => r.metric === metric).reduce((a, r) => a + r.value, 0);
      const models = [...new Set(list.filter((r) => r.metric.startsWith('llm_')).map((r) => r.label))].sort();
      let cost: number | null = 0;
      for (const m of models) {
        const one = (metric: string) => list.find((r) => r.metric === metric && r.label === m)?.value ?? 0;
        const c = estimateCost(m, {
          input: one('llm_input'),
          output: one('llm_output'),
          cache_write: one('llm_cache_write'),
          cache_read: one('llm_cache_read'),
        });
        const used = one('llm_input') + one('llm_output') + one('llm_cache_write') + one('llm_cache_read') > 0;
        if (c === null && used) cost = null;
        else if (cost !== null && c !== null) cost += c;
      }
      const answered: Record<string, number> = {};
      for (const r of list) if (r.metric === 'answered') answered[r.label] = (answered[r.label] ?? 0) + r.value;
      const offline = answered.offline ?? 0;
      const model = (answered.planner ?? 0) + (answered['planner (cache)'] ?? 0);
      const hists = new Map<string, Map<string, number>>();
      for (const r of list) {
        if (r.metric !== 'stage_ms') continue;
        const [stage, bucket] = r.label.split('|');
        if (!hists.has(stage)) hists.set(stage, new Map());
        hists.get(stage)!.set(bucket, r.value);
      }
      const stages: Record<string, StageLatency> = {};
      for (const [stage, h] of hists) {
        stages[stage] = {
          count: [...h.values()].reduce((a, b) => a + b, 0),
          p50_ms: quantileBucket(h, 0.5),
          p95_ms: quantileBucket(h, 0.95),
        };
      }
      return {
        day,
        requests: sum('llm_requests'),
        errors: sum('llm_errors'),
        input_tokens: sum('llm_input'),
        output_tokens: sum('llm_output'),
        cache_read_tokens: sum('llm_cache_read'),
        cache_write_tokens: sum('llm_cache_write'),
        cost_usd: cost === null ? null : Math.round(cost * 1e6) / 1e6,
        models,
        answered,
        offline_share: offline + model > 0 ? offline / (offline + model) : null,
        stages,
      };
    });
}

export class UsagePart implements Part<UsageHost> {
  readonly name = 'usage';
  private store: UsageStore | null = null;
  private host: UsageHost | null = null;
  private unobserve: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The model's counters already added to a day. */
  private lastLlm: Partial<PlannerStats> = {};
  /** Turn and stage counts since the last save, by day|metric|label: saved with the model's counters, not per turn. */
  private pending = new Map<string, UsageRow>();
  private failure: string | null = null;

  constructor(private readonly opts: { flushMs?: number } = {}) {}

  start(host: UsageHost): void {
    this.host = host;
    this.store = new UsageStore(host.db);
    this.unobserve = host.pipeline.observe((o) => this.record(o));
    this.timer = setInterval(() => this.flush(), this.opts.flushMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    this.flush();
    this.unobserve?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  health(): ComponentHealth {
    return this.failure ? { ok: false, detail: `usage could not be saved: ${this.failure}` } : { ok: true, detail: 'recording' };
  }

  private write(rows: UsageRow[]): boolean {
    try {
      this.store?.add(rows);
      this.failure = null;
      return true;
    } catch (err) {
      this.failure = (err as Error).message;
      this.host?.log.warn({ err }, 'usage: could not save the counters');
      return false;
    }
  }

  private record(o: PipelineObservation): void {
    const day = localDay();
    const row: UsageRow =
      o.kind === 'turn'
        ? { day, metric: 'answered', label: o.answered_by, value: 1 }
        : { day, metric: 'stage_ms', label: `${o.stage}|${bucketOf(o.ms)}`, value: 1 };
    const key = `${row.day}|${row.metric}|${row.label}`;
    const seen = this.pending.get(key);
    if (seen) seen.value++;
    else this.pending.set(key, row);
  }

  /** Saves the counts kept since the last save and what the model's counters grew by, added to their days. */
  private flush(): void {
    const rows: UsageRow[] = [...this.pending.values()];
    const llm = this.host?.llm;
    const now = llm?.stats();
    if (llm && now) {
      const day = localDay();
      for (const [metric, field] of LLM_FIELDS) {
        const delta = now[field] - (this.lastLlm[field] ?? 0);
        if (delta > 0) rows.push({ day, metric, label: llm.model, value: delta });
      }
    }
    // Not saved: everything is added again next time.
    if (!this.write(rows)) return;
    this.pending.clear();
    if (now) this.lastLlm = { ...now };
  }

  /** The last `days` days (today included), with what the model counted until now. */
  report(days: number): UsageReport {
    this.flush();
    const from = new Date();
    from.setDate(from.getDate() - (days - 1));
    return {
      days: this.store ? summarise(this.store.since(localDay(from))) : [],
      model: this.host?.llm?.model ?? null,
      buckets_ms: STAGE_BUCKETS_MS,
    };
  }
}
