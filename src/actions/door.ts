// The one door: every action from every source is validated, decided by the policy, run by the tool runner
// with a timeout, and recorded (plan and results) before anyone hears about it.
import { redactUrl } from '../util/redact';
import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus';
import { ActionError, ConflictError, GoneError, NotFoundError } from '../errors';
import type { AuditStore } from '../store/audit';
import {
  nowSeconds,
  type ActionPlan,
  type ActionRequest,
  type ActionResult,
  type Confirmation,
  type Json,
  type JsonObject,
  type Origin,
} from '../types';
import type { ConfirmationStore } from './confirmations';
import type { PolicyDecision, PolicyEngine } from './policy';
import { ParamsError, type ActionRegistry } from './registry';
import type { ActionExecutor, PlanOutcome, PlanRequest } from './types';

export interface DoorOptions {
  actionTimeoutMs: number;
  confirmationTimeoutS: number;
  /** Longest plan accepted from any source; the rest of the actions are refused with a reason. */
  maxActions?: number;
}

export class ActionTimeoutError extends Error {}

/** Turns whatever a handler threw into a result output a person can act on (never with a URL's credentials). */
export function errorOutput(err: unknown): JsonObject {
  const out = rawErrorOutput(err);
  if (typeof out.error === 'string') out.error = redactUrl(out.error);
  return out;
}

function rawErrorOutput(err: unknown): JsonObject {
  if (err instanceof ParamsError) return { error: err.message, details: err.details };
  if (err instanceof ActionError) return { error: err.message, code: err.code, args: err.args };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? { error: err.message, code } : { error: err.message };
  }
  if (typeof err === 'object' && err !== null) {
    try {
      return { error: JSON.stringify(err) };
    } catch {
      /* circular: fall through */
    }
  }
  return { error: String(err) };
}

/** A decision's code and its words, for the result's output (nothing when it has none). */
function codeOf(d: PolicyDecision): JsonObject {
  return d.code ? { code: d.code, ...(d.args ? { args: d.args } : {}) } : {};
}

function toJson(value: unknown): Json {
  if (value === undefined) return null;
  try {
    // Results are recorded, streamed and published: no credentials of a URL a tool mentions.
    return JSON.parse(redactUrl(JSON.stringify(value))) as Json;
  } catch {
    return String(value);
  }
}

export class ActionDoor implements ActionExecutor {
  private readonly inflight = new Set<AbortController>();
  private readonly counters = { plans: 0, ok: 0, error: 0, denied: 0, pending_confirmation: 0, interrupted: 0 };

  constructor(
    private readonly registry: ActionRegistry,
    private readonly policy: PolicyEngine,
    private readonly confirmations: ConfirmationStore,
    private readonly audit: AuditStore,
    private readonly bus: Bus,
    private readonly opts: DoorOptions,
  ) {}

  async execute(request: PlanRequest): Promise<PlanOutcome> {
    const maxActions = this.opts.maxActions ?? 20;
    const origin: Origin = { ...request.origin, conversation_id: request.conversation_id ?? request.origin.conversation_id };
    const actions: ActionRequest[] = (Array.isArray(request.actions) ? request.actions : []).map((a) => ({
      action_type: typeof a?.action_type === 'string' ? a.action_type : String(a?.action_type ?? ''),
      params: a?.params && typeof a.params === 'object' && !Array.isArray(a.params) ? a.params : ({} as JsonObject),
    }));

    // Decide every action before running any, so the plan's recorded verdict is the whole truth.
    const decisions = actions.map((a, i): { params: JsonObject | null; decision: PolicyDecision | null; error: JsonObject | null } => {
      if (i >= maxActions)
        return { params: null, decision: null, error: { error: `plan too long: at most ${maxActions} actions per plan` } };
      try {
        const params = this.registry.validate(a.action_type, a.params);
        return { params, decision: this.policy.evaluate(a.action_type, params, origin), error: null };
      } catch (err) {
        return { params: null, decision: null, error: errorOutput(err) };
      }
    });
    const verdicts = decisions.map((d) => (d.error ? 'invalid' : d.decision!.verdict));
    const plan: ActionPlan = {
      plan_id: randomUUID(),
      triggered_by_event_id: request.triggered_by_event_id ?? null,
      actions,
      policy: summarize(verdicts),
      reason: request.reason ?? '',
      created_ts: nowSeconds(),
      source: origin.source,
      trusted: origin.trusted,
      conversation_id: origin.conversation_id ?? null,
    };
    this.counters.plans++;
    this.audit.recordPlan(plan);
    this.bus.emit('plan', plan);

    const results: ActionResult[] = [];
    for (let i = 0; i < actions.length; i++) {
      const { params, decision, error } = decisions[i];
      const action_type = actions[i].action_type;
      let status: ActionResult['status'];
      let output: Json;
      if (error) {
        status = 'error';
        output = error;
      } else if (decision!.verdict === 'deny') {
        status = 'denied';
        output = { reason: decision!.reason, risk: decision!.risk, ...codeOf(decision!) };
      } else if (decision!.verdict === 'confirm') {
        const conf = this.confirmations.create({
          plan_id: plan.plan_id,
          index: i,
          action_type,
          params: params!,
          origin,
          reason: decision!.reason,
          expires_ts: nowSeconds() + this.opts.confirmationTimeoutS,
        });
        this.bus.emit('confirmation', conf);
        status = 'pending_confirmation';
        output = { confirmation_id: conf.id, reason: decision!.reason, expires_ts: conf.expires_ts, ...codeOf(decision!) };
      } else {
        ({ status, output } = await this.run(action_type, params!, { plan_id: plan.plan_id, index: i, origin }, decision!.risk));
      }
      results.push(this.record({ plan_id: plan.plan_id, index: i, action_type, status, output, ts: nowSeconds() }));
    }
    return { plan_id: plan.plan_id, policy: plan.policy, results };
  }

  /**
   * Approves or denies a pending confirmation. Approval runs the action (the policy is asked again:
   * privacy mode or an allowlist may have changed meanwhile) and records its result under the original plan.
   */
  async decide(id: string, approve: boolean, by: string): Promise<{ confirmation: Confirmation; result: ActionResult | null }> {
    const existing = this.confirmations.get(id);
    if (!existing) throw new NotFoundError(`no confirmation with id ${id}`);
    if (existing.status !== 'pending') throw new ConflictError(`confirmation ${id} is already ${existing.status}`);
    if (existing.expires_ts <= nowSeconds()) {
      this.confirmations.decide(id, 'expired', null);
      throw new GoneError(`confirmation ${id} expired at ${new Date(existing.expires_ts * 1000).toISOString()}`);
    }
    const conf = this.confirmations.decide(id, approve ? 'approved' : 'denied', by);
    if (!conf) throw new ConflictError(`confirmation ${id} was decided meanwhile`);
    this.bus.emit('confirmation', conf);
    let result: ActionResult;
    if (!approve) {
      result = this.record({
        plan_id: conf.plan_id,
        index: conf.index,
        action_type: conf.action_type,
        status: 'denied',
        output: { reason: `denied by ${by}` },
        ts: nowSeconds(),
      });
    } else {
      const decision = this.policy.evaluate(conf.action_type, conf.params, conf.origin, { approved: true });
      if (decision.verdict === 'deny') {
        result = this.record({
          plan_id: conf.plan_id,
          index: conf.index,
          action_type: conf.action_type,
          status: 'denied',
          output: { reason: decision.reason, ...codeOf(decision) },
          ts: nowSeconds(),
        });
      } else {
        const ran = await this.run(
          conf.action_type,
          conf.params,
          {
            plan_id: conf.plan_id,
            index: conf.index,
            origin: { ...conf.origin, user: by },
          },
          decision.risk,
        );
        result = this.record({ plan_id: conf.plan_id, index: conf.index, action_type: conf.action_type, ...ran, ts: nowSeconds() });
      }
    }
    return { confirmation: conf, result };
  }

  /** Expires what is overdue and records a result for each, so no plan is left hanging. */
  expireConfirmations(): number {
    const expired = this.confirmations.expireDue();
    for (const conf of expired) {
      this.bus.emit('confirmation', conf);
      this.record({
        plan_id: conf.plan_id,
        index: conf.index,
        action_type: conf.action_type,
        status: 'denied',
        output: { reason: 'confirmation expired' },
        ts: nowSeconds(),
      });
    }
    return expired.length;
  }

  /**
   * Runs one action. Exactly-once effects: before it is sent, the fact that it is about to be is made durable (a mark
   * in the intent journal beside the database, with its plan); its result removes that mark. A mark found at start-up (recoverInterrupted) means the butler stopped while
   * the action was in flight: it is reported `interrupted`, never run again by itself.
   */
  private async run(
    action_type: string,
    params: JsonObject,
    ctx: { plan_id: string; index: number; origin: Origin },
    risk: string,
  ): Promise<{ status: 'ok' | 'error'; output: Json }> {
    const def = this.registry.get(action_type);
    if (!def) return { status: 'error', output: { error: `action type "${action_type}" was removed before it ran` } };
    try {
      this.audit.recordIntentNow({ plan_id: ctx.plan_id, index: ctx.index, action_type, risk, started_ts: nowSeconds() });
    } catch (err) {
      return { status: 'error', output: { error: `not run: could not record that it was about to run (${(err as Error).message})` } };
    }
    this.started.add(`${ctx.plan_id}#${ctx.index}`);
    const timeoutMs = def.timeoutMs ?? this.opts.actionTimeoutMs;
    const controller = new AbortController();
    this.inflight.add(controller);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Settle the race before aborting, so the reported reason is the timeout, not the handler's abort error.
          reject(new ActionTimeoutError(`${action_type} did not finish within ${timeoutMs} ms`));
          controller.abort();
        }, timeoutMs);
      });
      const output = await Promise.race([def.handler(params, { ...ctx, signal: controller.signal }), timeout]);
      return { status: 'ok', output: toJson(output) };
    } catch (err) {
      return { status: 'error', output: errorOutput(err) };
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
  }

  /** Keys (plan#index) of actions whose intent was written and whose result is not recorded yet. */
  private readonly started = new Set<string>();

  /**
   * At start-up: every action that was sent (or about to be) when the butler stopped, with no result recorded, gets
   * the result `interrupted` (visible in the timeline) and an `action.interrupted` event; none is run again.
   */
  recoverInterrupted(): ActionResult[] {
    const out: ActionResult[] = [];
    for (const intent of this.audit.unfinishedIntents()) {
      this.started.add(`${intent.plan_id}#${intent.index}`);
      out.push(
        this.record({
          plan_id: intent.plan_id,
          index: intent.index,
          action_type: intent.action_type,
          status: 'interrupted',
          output: {
            reason: 'the butler stopped while this action was being sent; whether it took effect is unknown, and it was not repeated',
            risk: intent.risk,
            started_ts: intent.started_ts,
          },
          ts: nowSeconds(),
        }),
      );
    }
    return out;
  }

  private record(result: ActionResult): ActionResult {
    this.counters[result.status]++;
    const key = `${result.plan_id}#${result.index}`;
    const started = this.started.delete(key);
    this.audit.recordResult(result, started);
    this.bus.emit('result', result);
    return result;
  }

  stats(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  /** Aborts running actions (shutdown). */
  abortAll(): void {
    for (const c of this.inflight) c.abort();
  }
}

function summarize(verdicts: string[]): string {
  if (verdicts.length === 0) return 'allow';
  if (verdicts.every((v) => v === 'allow')) return 'allow';
  if (verdicts.some((v) => v === 'confirm')) return 'confirm';
  if (verdicts.every((v) => v === 'deny' || v === 'invalid')) return 'deny';
  return 'partial';
}
