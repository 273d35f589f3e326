// Goals: a sentence decomposed into steps (actions and waits), run in order, persisted step by step so a restart
// resumes where it stopped, announced as goal.* butler events. Every action goes through the door. A step the door
// holds for a person's confirmation pauses the goal (status "waiting"): approval runs it and the goal goes on, a denial
// cancels the goal, an expiry or an error fails it.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { ParamsError } from '../../actions/registry';
import { InvalidError, NotFoundError, UnprocessableError } from '../../errors';
import { goals as goalsTable, goalSteps } from '../../store/schema/brain';
import { results } from '../../store/schema/core';
import { nowSeconds, type ActionRequest, type ActionResult, type Json, type JsonObject, type Origin } from '../../types';
import { stateMatches } from '../rules/conditions';
import { abortableSleep, parseClock, type BrainDeps } from '../rules/deps';
import type { GoalHome, GoalPlanner, GoalStep } from './planner';

export type GoalStatus = 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';
/** `interrupted`: an action step that was running when the butler stopped; it may have acted, so it is not run again. */
export type StepStatus = 'pending' | 'running' | 'waiting' | 'ok' | 'failed' | 'cancelled' | 'interrupted';

export interface GoalStepInfo {
  index: number;
  step: GoalStep;
  status: StepStatus;
  result: Json;
  started_ts: number | null;
  finished_ts: number | null;
}

export interface GoalInfo {
  goal_id: string;
  text: string;
  status: GoalStatus;
  planner: string;
  current_step: number;
  event_id: string | null;
  error: string | null;
  created_ts: number;
  updated_ts: number;
  steps: GoalStepInfo[];
}

function stepsError(details: string[]): InvalidError {
  return new InvalidError(`the goal's steps are invalid: ${details.join('; ')}`, details);
}

const DEFAULT_WAIT_S = 600;
const LISTENER = 'goals';
const MAX_SLEEP_MS = 24 * 3600_000;

export class GoalService {
  private readonly planners: GoalPlanner[] = [];
  private readonly running = new Map<string, AbortController>();
  /** plan_id of each step held for a person -> its goal: every action result is checked against this, not the store. */
  private readonly held = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly deps: BrainDeps,
    planners: GoalPlanner[],
    private readonly sceneIds: () => string[] = () => [],
  ) {
    this.planners.push(...planners);
  }

  /** Adds a planner (the LLM planner later): `first` puts it before the templates. */
  addPlanner(p: GoalPlanner, opts: { first?: boolean } = {}): void {
    if (opts.first) this.planners.unshift(p);
    else this.planners.push(p);
  }

  /** Resumes every goal that was running when the butler stopped; goals waiting for a confirmation wait on. */
  resume(): number {
    this.deps.bus.removeOwner(LISTENER);
    this.deps.bus.on('result', (r) => this.onResult(r), LISTENER);
    this.held.clear();
    // a held step decided (or expired) while the goals were not listening: its recorded result settles it now
    for (const g of this.deps.db.db.select().from(goalsTable).where(eq(goalsTable.status, 'waiting')).all()) {
      const planId = this.heldStep(g.goal_id)?.planId;
      if (!planId) continue;
      this.held.set(planId, g.goal_id);
      const done = this.deps.db.db
        .select()
        .from(results)
        .where(and(eq(results.plan_id, planId), ne(results.status, 'pending_confirmation')))
        .orderBy(desc(results.id))
        .get();
      if (done)
        this.onResult({
          plan_id: done.plan_id,
          index: done.idx,
          action_type: done.action_type,
          status: done.status as ActionResult['status'],
          output: safeParse(done.output) as Json,
          ts: done.ts,
        });
    }
    const rows = this.deps.db.db.select().from(goalsTable).where(eq(goalsTable.status, 'running')).all();
    for (const row of rows) void this.run(row.goal_id);
    return rows.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.bus.removeOwner(LISTENER);
    // Aborting here leaves the goal "running" in the store so the next start resumes it.
    for (const c of this.running.values()) c.abort();
    this.running.clear();
  }

  private home(): GoalHome {
    return { getState: (id) => this.deps.ha.getState(id), mode: this.deps.modes.mode, scenes: this.sceneIds() };
  }

  /** Validates steps (actions against the registry, waits for sane values) and fixes wait_time deadlines. */
  checkSteps(steps: GoalStep[], now = new Date()): GoalStep[] {
    const errors: string[] = [];
    if (!Array.isArray(steps) || steps.length === 0) throw stepsError(['steps: at least one step is needed']);
    if (steps.length > 50) throw stepsError([`steps: ${steps.length} steps is more than 50`]);
    const out = steps.map((s, i): GoalStep => {
      const at = `steps/${i}`;
      if (s.kind === 'action') {
        try {
          return { ...s, params: this.deps.registry.validate(s.action_type, s.params ?? {}) };
        } catch (err) {
          errors.push(`${at}: ${err instanceof ParamsError ? err.message : (err as Error).message}`);
          return s;
        }
      }
      if (s.kind === 'wait_state') {
        if (typeof s.entity_id !== 'string' || !/^[a-z_]+\.[a-z0-9_]+$/.test(s.entity_id)) errors.push(`${at}/entity_id: not an entity id`);
        if (s.timeout_s !== undefined && !(typeof s.timeout_s === 'number' && s.timeout_s > 0 && s.timeout_s <= 7 * 86400))
          errors.push(`${at}/timeout_s: must be 1 s to 7 days`);
        return s;
      }
      if (s.kind === 'wait_time') {
        const until = resolveTime(s.at, now);
        if (until === null) errors.push(`${at}/at: "${String(s.at)}" is neither a time of day (HH:MM) nor an ISO date-time`);
        return { ...s, until_ts: until ?? 0 };
      }
      errors.push(`${at}/kind: must be one of "action", "wait_state", "wait_time"`);
      return s;
    });
    if (errors.length) throw stepsError(errors);
    return out;
  }

  /** Decomposes and starts a goal; returns at once with its steps (they run in the background). */
  async start(text: string, origin: Origin): Promise<GoalInfo> {
    const clean = typeof text === 'string' ? text.trim() : '';
    if (!clean) throw new UnprocessableError('text: say what the goal is');
    if (clean.length > 1000) throw new UnprocessableError('text: longer than 1000 characters');
    let steps: GoalStep[] | null = null;
    let plannerName = '';
    let proposed = false;
    const failures: string[] = [];
    for (const p of this.planners) {
      try {
        steps = await p.decompose(clean, this.home(), origin);
      } catch (err) {
        this.deps.log.warn({ err, planner: p.name }, 'goal planner failed; trying the next');
        failures.push(`${p.name}: ${(err as Error).message}`);
        steps = null;
      }
      if (steps?.length) {
        plannerName = p.name;
        proposed = p.proposes === true;
        break;
      }
    }
    if (!steps?.length)
      throw new UnprocessableError(
        `text: no planner knows how to do "${clean.slice(0, 100)}" (offline: good night, leaving home, I'm back, guests by <time>)${
          failures.length ? `; ${failures.join('; ')}` : ''
        }`,
      );
    // Steps a model proposed were not asked for by anyone: a sensitive one waits for a person when it runs.
    return this.startSteps(clean, steps, proposed ? { ...origin, asked_for: origin.asked_for ?? [] } : origin, plannerName);
  }

  /** Starts a goal from explicit steps (flows and the LLM planner use this). */
  startSteps(text: string, rawSteps: GoalStep[], origin: Origin, plannerName = 'explicit'): GoalInfo {
    const steps = this.checkSteps(rawSteps);
    const goal_id = randomUUID();
    const ts = nowSeconds();
    const db = this.deps.db.db;
    const event = this.deps.ingest.emit('goal.started', 'goal', { goal_id, text, planner: plannerName, steps: steps as unknown as Json[] });
    this.deps.db.sqlite.transaction(() => {
      db.insert(goalsTable)
        .values({
          goal_id,
          text,
          status: 'running',
          planner: plannerName,
          current_step: 0,
          // What the person's words asked for travels with the goal: a step the model proposed is checked when it runs.
          origin: JSON.stringify({
            source: origin.source,
            trusted: origin.trusted,
            user: origin.user ?? null,
            ...(origin.untrusted_input ? { untrusted_input: true } : {}),
            ...(origin.asked_for ? { asked_for: origin.asked_for } : {}),
          }),
          event_id: event.event_id,
          created_ts: ts,
          updated_ts: ts,
        })
        .run();
      for (const [idx, step] of steps.entries())
        db.insert(goalSteps)
          .values({ goal_id, idx, step: JSON.stringify(step), status: 'pending' })
          .run();
    })();
    void this.run(goal_id);
    return this.get(goal_id)!;
  }

  list(opts: { status?: GoalStatus; limit?: number } = {}): GoalInfo[] {
    const q = this.deps.db.db.select().from(goalsTable);
    const rows = (opts.status ? q.where(eq(goalsTable.status, opts.status)) : q)
      .orderBy(desc(goalsTable.created_ts))
      .limit(opts.limit ?? 100)
      .all();
    return rows.map((r) => this.get(r.goal_id)!).filter(Boolean);
  }

  get(goalId: string): GoalInfo | null {
    const row = this.deps.db.db.select().from(goalsTable).where(eq(goalsTable.goal_id, goalId)).get();
    if (!row) return null;
    const steps = this.deps.db.db.select().from(goalSteps).where(eq(goalSteps.goal_id, goalId)).orderBy(asc(goalSteps.idx)).all();
    return {
      goal_id: row.goal_id,
      text: row.text,
      status: row.status as GoalStatus,
      planner: row.planner,
      current_step: row.current_step,
      event_id: row.event_id,
      error: row.error,
      created_ts: row.created_ts,
      updated_ts: row.updated_ts,
      steps: steps.map((s) => ({
        index: s.idx,
        step: safeParse(s.step) as GoalStep,
        status: s.status as StepStatus,
        result: s.result === null ? null : (safeParse(s.result) as Json),
        started_ts: s.started_ts,
        finished_ts: s.finished_ts,
      })),
    };
  }

  cancel(goalId: string, by = 'someone'): GoalInfo {
    const goal = this.get(goalId);
    if (!goal) throw new NotFoundError(`no goal with id "${goalId}"`);
    if (goal.status !== 'running' && goal.status !== 'waiting') return goal;
    this.running.get(goalId)?.abort();
    this.running.delete(goalId);
    this.finish(goalId, 'cancelled', `cancelled by ${by}`);
    return this.get(goalId)!;
  }

  /** The door holds step `idx` for a person: the goal waits (in the store, so a restart keeps waiting). */
  private pause(goal: GoalInfo, idx: number, result: JsonObject): void {
    const ts = nowSeconds();
    this.deps.db.sqlite.transaction(() => {
      this.setStep(goal.goal_id, idx, { status: 'waiting', result: JSON.stringify(result) });
      this.deps.db.db.update(goalsTable).set({ status: 'waiting', updated_ts: ts }).where(eq(goalsTable.goal_id, goal.goal_id)).run();
    })();
    if (typeof result.plan_id === 'string') this.held.set(result.plan_id, goal.goal_id);
    const output = result.output as JsonObject | null;
    this.deps.ingest.emit(
      'goal.step',
      'goal',
      {
        goal_id: goal.goal_id,
        index: idx,
        kind: 'action',
        status: 'waiting',
        confirmation_id: (output?.confirmation_id as string) ?? null,
        reason: (output?.reason as string) ?? null,
      },
      0,
      goal.event_id,
    );
  }

  /** A decided confirmation's result: the waiting goal whose step it held goes on, or stops. */
  private onResult(r: ActionResult): void {
    if (this.stopped || r.status === 'pending_confirmation') return;
    const goalId = this.held.get(r.plan_id);
    if (goalId === undefined) return;
    const db = this.deps.db.db;
    const g = db.select().from(goalsTable).where(eq(goalsTable.goal_id, goalId)).get();
    const step = g?.status === 'waiting' ? this.heldStep(goalId) : undefined;
    if (!g || !step || step.planId !== r.plan_id) {
      this.held.delete(r.plan_id);
      return;
    }
    this.held.delete(r.plan_id);
    const result: JsonObject = { plan_id: r.plan_id, status: r.status, output: r.output };
    const ok = r.status === 'ok';
    this.setStep(g.goal_id, step.idx, { status: ok ? 'ok' : 'failed', result: JSON.stringify(result), finished_ts: nowSeconds() });
    this.deps.ingest.emit(
      'goal.step',
      'goal',
      { goal_id: g.goal_id, index: step.idx, kind: 'action', status: ok ? 'ok' : 'failed', result },
      0,
      g.event_id,
    );
    if (ok) {
      db.update(goalsTable).set({ status: 'running', updated_ts: nowSeconds() }).where(eq(goalsTable.goal_id, g.goal_id)).run();
      void this.run(g.goal_id);
      return;
    }
    const out = r.output && typeof r.output === 'object' && !Array.isArray(r.output) ? r.output : {};
    const why = String(out.reason ?? out.error ?? r.status);
    const stepText = describeStep(safeParse(step.step) as GoalStep);
    // a person said no: the goal is called off; anything else (expired, failed when run) is a failure
    this.finish(g.goal_id, /^denied by /.test(why) ? 'cancelled' : 'failed', `step ${step.idx} (${stepText}): ${why}`);
  }

  /** The goal's step held for a person, with the plan that holds it. */
  private heldStep(goalId: string): { idx: number; step: string; planId: string | undefined } | undefined {
    const step = this.deps.db.db
      .select()
      .from(goalSteps)
      .where(and(eq(goalSteps.goal_id, goalId), eq(goalSteps.status, 'waiting')))
      .get();
    if (!step) return undefined;
    const planId = step.result ? (safeParse(step.result) as { plan_id?: string } | null)?.plan_id : undefined;
    return { idx: step.idx, step: step.step, planId };
  }

  private setStep(goalId: string, idx: number, set: Partial<typeof goalSteps.$inferInsert>): void {
    this.deps.db.db
      .update(goalSteps)
      .set(set)
      .where(and(eq(goalSteps.goal_id, goalId), eq(goalSteps.idx, idx)))
      .run();
  }

  private finish(goalId: string, status: GoalStatus, error: string | null): void {
    const ts = nowSeconds();
    const db = this.deps.db.db;
    const row = db.select().from(goalsTable).where(eq(goalsTable.goal_id, goalId)).get();
    if (row?.status !== 'running' && row?.status !== 'waiting') return;
    db.update(goalsTable).set({ status, error, updated_ts: ts }).where(eq(goalsTable.goal_id, goalId)).run();
    if (status !== 'done')
      db.update(goalSteps)
        .set({ status: 'cancelled', finished_ts: ts })
        .where(and(eq(goalSteps.goal_id, goalId), inArray(goalSteps.status, ['pending', 'waiting'])))
        .run();
    this.deps.ingest.emit(
      status === 'done' ? 'goal.done' : 'goal.failed',
      'goal',
      { goal_id: goalId, text: row.text, status, error },
      status === 'failed' ? 1 : 0,
      row.event_id,
    );
  }

  private async run(goalId: string): Promise<void> {
    if (this.stopped || this.running.has(goalId)) return;
    const controller = new AbortController();
    this.running.set(goalId, controller);
    try {
      const row = this.deps.db.db.select().from(goalsTable).where(eq(goalsTable.goal_id, goalId)).get();
      if (row?.status !== 'running') return;
      const origin = safeParse(row.origin) as {
        trusted?: boolean;
        user?: string | null;
        untrusted_input?: boolean;
        asked_for?: ActionRequest[];
      };
      const goal = this.get(goalId)!;
      for (const s of goal.steps) {
        if (s.status === 'ok') continue;
        if (controller.signal.aborted) return;
        // Still "running" from the last run: the butler stopped while the action was being sent. Whether it acted is
        // unknown, so it is reported and the goal stops there; a person decides what happens next.
        if (s.status === 'running' && s.step.kind === 'action') {
          this.interrupted(goal, s.index, s.step);
          return;
        }
        this.deps.db.db
          .update(goalsTable)
          .set({ current_step: s.index, updated_ts: nowSeconds() })
          .where(eq(goalsTable.goal_id, goalId))
          .run();
        this.setStep(goalId, s.index, {
          status: s.step.kind === 'action' ? 'running' : 'waiting',
          started_ts: s.started_ts ?? nowSeconds(),
        });
        let outcome: StepOutcome;
        try {
          outcome = await this.runStep(
            goal,
            s.step,
            {
              trusted: origin.trusted === true,
              user: origin.user ?? undefined,
              untrusted_input: origin.untrusted_input === true ? true : undefined,
              asked_for: Array.isArray(origin.asked_for) ? origin.asked_for : undefined,
            },
            controller.signal,
          );
        } catch (err) {
          if (controller.signal.aborted) return; // stopping or cancelled: the store keeps the truth
          outcome = { ok: false, result: { error: (err as Error).message } };
        }
        if (controller.signal.aborted) return;
        if (outcome.waiting) {
          this.pause(goal, s.index, outcome.result);
          return;
        }
        this.setStep(goalId, s.index, {
          status: outcome.ok ? 'ok' : 'failed',
          result: JSON.stringify(outcome.result),
          finished_ts: nowSeconds(),
        });
        this.deps.ingest.emit(
          'goal.step',
          'goal',
          { goal_id: goalId, index: s.index, kind: s.step.kind, status: outcome.ok ? 'ok' : 'failed', result: outcome.result },
          0,
          goal.event_id,
        );
        if (!outcome.ok) {
          const err =
            outcome.result && typeof outcome.result === 'object' && !Array.isArray(outcome.result) && 'error' in outcome.result
              ? String(outcome.result.error)
              : 'step failed';
          this.finish(goalId, 'failed', `step ${s.index} (${describeStep(s.step)}): ${err}`);
          return;
        }
      }
      this.finish(goalId, 'done', null);
    } catch (err) {
      this.deps.log.error({ err, goal: goalId }, 'goal run failed');
      try {
        this.finish(goalId, 'failed', (err as Error).message);
      } catch {
        /* the store is closing */
      }
    } finally {
      if (this.running.get(goalId) === controller) this.running.delete(goalId);
    }
  }

  private interrupted(goal: GoalInfo, index: number, step: Extract<GoalStep, { kind: 'action' }>): void {
    const risk = this.deps.registry.get(step.action_type)?.risk ?? 'safe';
    const result: JsonObject = {
      error: 'interrupted: the butler stopped while this action was being sent; it may or may not have acted, and was not repeated',
      action_type: step.action_type,
      risk,
    };
    this.setStep(goal.goal_id, index, { status: 'interrupted', result: JSON.stringify(result), finished_ts: nowSeconds() });
    this.deps.ingest.emit(
      'goal.step',
      'goal',
      { goal_id: goal.goal_id, index, kind: step.kind, status: 'interrupted', result },
      risk === 'safe' ? 1 : 2,
      goal.event_id,
    );
    this.deps.log.warn(
      { goal: goal.goal_id, step: index, action: step.action_type },
      'a goal step interrupted by the last stop was not repeated',
    );
    this.finish(
      goal.goal_id,
      'failed',
      `step ${index} (${describeStep(step)}) was interrupted by a stop and not repeated: check what it did, then start the goal again if needed`,
    );
  }

  private async runStep(goal: GoalInfo, step: GoalStep, who: Omit<Origin, 'source'>, signal: AbortSignal): Promise<StepOutcome> {
    if (step.kind === 'action') {
      const out = await this.deps.door.execute({
        actions: [{ action_type: step.action_type, params: step.params }],
        origin: { ...who, source: 'goal' },
        triggered_by_event_id: goal.event_id,
        reason: `goal ${goal.goal_id}: ${goal.text}`,
      });
      const r = out.results[0];
      const result: JsonObject = { plan_id: out.plan_id, status: r?.status ?? 'error', output: r?.output ?? null };
      if (r?.status === 'pending_confirmation') return { ok: false, waiting: true, result };
      if (r?.status !== 'ok')
        result.error =
          r?.output && typeof r.output === 'object' && !Array.isArray(r.output) && 'error' in r.output
            ? String(r.output.error)
            : `action ${r?.status ?? 'did not run'}`;
      return { ok: r?.status === 'ok', result };
    }
    if (step.kind === 'wait_time') {
      for (;;) {
        const left = (step.until_ts ?? 0) * 1000 - Date.now();
        if (left <= 0) return { ok: true, result: { reached: new Date().toISOString() } };
        await abortableSleep(Math.min(left, MAX_SLEEP_MS), signal);
      }
    }
    return this.waitState(step, signal);
  }

  private waitState(step: Extract<GoalStep, { kind: 'wait_state' }>, signal: AbortSignal): Promise<{ ok: boolean; result: Json }> {
    const holds = () => {
      const s = this.deps.ha.getState(step.entity_id);
      return stateMatches(step.attribute ? s?.attributes[step.attribute] : s?.state, step.state);
    };
    if (holds()) return Promise.resolve({ ok: true, result: { state: this.deps.ha.getState(step.entity_id)?.state ?? null } });
    const owner = `goal-wait-${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const done = (v: { ok: boolean; result: Json } | Error) => {
        clearTimeout(timer);
        this.deps.bus.removeOwner(owner);
        signal.removeEventListener('abort', onAbort);
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      const timeoutS = step.timeout_s ?? DEFAULT_WAIT_S;
      const timer = setTimeout(
        () =>
          done({
            ok: false,
            result: {
              error: `${step.entity_id} did not become ${[step.state].flat().join(' or ')} within ${timeoutS} s`,
              state: this.deps.ha.getState(step.entity_id)?.state ?? null,
            },
          }),
        timeoutS * 1000,
      );
      const onAbort = () => done(new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.deps.bus.on(
        'ha_state',
        (c) => {
          if (c.entity_id === step.entity_id && holds()) done({ ok: true, result: { state: c.new_state?.state ?? null } });
        },
        owner,
      );
    });
  }

  private readonly registered: string[] = [];

  /** Removes the actions this service registered (a stopped service must not keep serving them). */
  unregisterActions(): void {
    for (const name of this.registered.splice(0)) this.deps.registry.unregister(name);
  }

  registerActions(): void {
    const reg = this.deps.registry;
    if (!reg.has('execute_goal')) {
      this.registered.push('execute_goal');
      reg.register({
        name: 'execute_goal',
        description:
          'Start a household goal described in words ("good night", "I\'m leaving", "get ready for guests by 7 pm"); it is split into steps that run in order.',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: { text: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
        risk: 'safe',
        handler: async (p, ctx) => {
          const g = await this.start(String(p.text), ctx.origin);
          return { goal_id: g.goal_id, planner: g.planner, steps: g.steps.map((s) => describeStep(s.step)) };
        },
      });
    }
    if (!reg.has('get_goals')) {
      this.registered.push('get_goals');
      reg.register({
        name: 'get_goals',
        description: 'List recent goals with their status and progress.',
        params: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: ['running', 'waiting', 'done', 'failed', 'cancelled'] } },
        },
        risk: 'safe',
        handler: async (p) => ({
          goals: this.list({ status: p.status as GoalStatus | undefined, limit: 20 }).map((g) => ({
            goal_id: g.goal_id,
            text: g.text,
            status: g.status,
            current_step: g.current_step,
            steps: g.steps.length,
            error: g.error,
          })),
        }),
      });
    }
  }
}

type StepOutcome = { ok: boolean; result: Json; waiting?: false } | { ok: false; result: JsonObject; waiting: true };

export function describeStep(s: GoalStep): string {
  if (s.description) return s.description;
  if (s.kind === 'action') return `${s.action_type} ${JSON.stringify(s.params)}`;
  if (s.kind === 'wait_state') return `wait until ${s.entity_id} is ${[s.state].flat().join(' or ')}`;
  return `wait until ${s.at}`;
}

/** "19:00" -> today at 19:00 local (already past: now); ISO date-time -> that instant; else null. Epoch seconds. */
export function resolveTime(at: unknown, now: Date): number | null {
  if (typeof at !== 'string') return null;
  const clock = parseClock(at);
  if (clock !== null) {
    const d = new Date(now);
    d.setHours(0, 0, 0, 0);
    return Math.max(d.getTime() / 1000 + clock, now.getTime() / 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at)) return null;
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : t / 1000;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
