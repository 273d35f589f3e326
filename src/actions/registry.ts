// Every action type is declared exactly once here: name, JSON schema of its params, risk tier, handler.
// That one declaration drives validation, the LLM's tool list, the node editor's choices, the API docs and the policy.
import type { ValidateFunction } from 'ajv';
import type { JsonObject, Origin, RiskTier } from '../types';
import { createAjv, describeAjvErrors } from '../util/schema';

export type JsonSchema = Record<string, unknown>;

export interface ActionContext {
  plan_id: string;
  index: number;
  origin: Origin;
  /** Aborted when the action's timeout passes or the butler shuts down. */
  signal: AbortSignal;
}

export interface ActionDefinition {
  name: string;
  /** One or two sentences; shown to the LLM as the tool description and in the editor. */
  description: string;
  /** JSON schema (draft-07) of `params`; must be an object schema. */
  params: JsonSchema;
  risk: RiskTier;
  /** Refines the tier for particular params (ha_call_service lock.unlock is sensitive, light.turn_on is not). */
  riskFor?: (params: JsonObject) => RiskTier;
  /** Blocked while privacy mode is on (cameras, recording). */
  privacy?: boolean | ((params: JsonObject) => boolean);
  /** Per-action timeout; defaults to the runner's. */
  timeoutMs?: number;
  /** Where it came from: "core", "devices", or "flow:<node id>" for tools declared by flows. */
  provider?: string;
  handler: (params: JsonObject, ctx: ActionContext) => Promise<unknown>;
}

export interface ActionInfo {
  name: string;
  description: string;
  params: JsonSchema;
  risk: RiskTier;
  privacy: boolean;
  provider: string;
}

export class ParamsError extends Error {
  constructor(
    public readonly action: string,
    public readonly details: string[],
  ) {
    super(
      details.length === 1 && details[0].startsWith('unknown action type')
        ? details[0]
        : `invalid params for ${action}: ${details.join('; ')}`,
    );
    this.name = 'ParamsError';
  }
}

interface Entry {
  def: ActionDefinition;
  validate: ValidateFunction;
}

export class ActionRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly ajv = createAjv();
  private readonly changeListeners = new Set<() => void>();

  register(def: ActionDefinition): void {
    if (!/^[a-z][a-z0-9_]{1,63}$/.test(def.name)) {
      throw new Error(`action name "${def.name}" must be snake_case (a-z, 0-9, _), 2-64 characters`);
    }
    if (this.entries.has(def.name))
      throw new Error(`action "${def.name}" is already registered by ${this.entries.get(def.name)!.def.provider ?? 'core'}`);
    if (def.params.type !== 'object') throw new Error(`action "${def.name}": params schema must have type "object"`);
    let validate: ValidateFunction;
    try {
      validate = this.ajv.compile(def.params);
    } catch (err) {
      throw new Error(`action "${def.name}": invalid params schema: ${(err as Error).message}`);
    }
    this.entries.set(def.name, { def: { provider: 'core', ...def }, validate });
    this.changed();
  }

  unregister(name: string): boolean {
    const had = this.entries.delete(name);
    if (had) this.changed();
    return had;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): ActionDefinition | undefined {
    return this.entries.get(name)?.def;
  }

  /** Validates (and fills defaults into a copy of) params; throws ParamsError naming every bad field. */
  validate(name: string, params: unknown): JsonObject {
    const entry = this.entries.get(name);
    if (!entry) throw new ParamsError(name, [`unknown action type "${name}"`]);
    if (params === undefined || params === null) params = {};
    if (typeof params !== 'object' || Array.isArray(params)) throw new ParamsError(name, ['params must be an object']);
    const copy = structuredClone(params) as JsonObject;
    if (!entry.validate(copy)) throw new ParamsError(name, describeAjvErrors(entry.validate.errors));
    return copy;
  }

  riskOf(name: string, params: JsonObject): RiskTier {
    const def = this.get(name);
    if (!def) return 'dangerous';
    return def.riskFor ? def.riskFor(params) : def.risk;
  }

  isPrivacyBlocked(name: string, params: JsonObject): boolean {
    const def = this.get(name);
    if (!def?.privacy) return false;
    return typeof def.privacy === 'function' ? def.privacy(params) : true;
  }

  list(): ActionInfo[] {
    return [...this.entries.values()]
      .map(({ def }) => ({
        name: def.name,
        description: def.description,
        params: def.params,
        risk: def.risk,
        privacy: Boolean(def.privacy),
        provider: def.provider ?? 'core',
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called after every register/unregister (the planner rebuilds its tool list, discovery its entities). */
  onChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.changeListeners) fn();
  }
}
