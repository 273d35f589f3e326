// The flow-tool bridge: a `butler tool` node declares an action type (name, description, params schema, risk tier)
// in the one action registry, provider "flow:<node id>". When the action runs through the door, its handler sends a
// message out of the tool node and waits for a `butler tool result` node to answer with the same correlation id,
// within the action's timeout. Validation, policy, the planner's tool list and the audit trail are the registry's
// and the door's as for any other action: the flow only does the work.
import { randomUUID } from 'node:crypto';
import type { ActionRegistry, JsonSchema } from '../actions/registry';
import type { Json, JsonObject, Origin, RiskTier } from '../types';

export const RISK_TIERS: readonly RiskTier[] = ['safe', 'sensitive', 'dangerous'];

export interface FlowToolSpec {
  name: string;
  description: string;
  params: JsonSchema;
  risk: RiskTier;
  /** Per-call timeout; the door's default when absent. */
  timeoutMs?: number;
}

/** Travels with the message through the user's flow as msg._butlerTool. */
export interface FlowToolCall {
  id: string;
  action_type: string;
  node: string;
  plan_id: string;
  index: number;
}

/** Sends one call into the flow: params, the correlation, and who asked (so the flow acts with the same trust). */
export type FlowToolEmitter = (params: JsonObject, call: FlowToolCall, origin: Origin) => void;

/** A tool declaration the registry refused, or that is not well formed; the message says which field and why. */
export class FlowToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowToolError';
  }
}

interface Pending {
  call: FlowToolCall;
  resolve: (output: Json) => void;
  reject: (err: Error) => void;
}

/** Checks a tool declaration from a node's config; throws FlowToolError naming the field. */
export function checkToolSpec(input: {
  name?: unknown;
  description?: unknown;
  params?: unknown;
  risk?: unknown;
  timeoutMs?: unknown;
}): FlowToolSpec {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(name))
    throw new FlowToolError(`tool name "${name}" must be snake_case (a-z, 0-9, _), 2-64 characters, starting with a letter`);
  const description = typeof input.description === 'string' ? input.description.trim() : '';
  if (!description) throw new FlowToolError(`tool "${name}": description is empty (the planner reads it to know when to call the tool)`);
  let params: unknown = input.params;
  if (params === undefined || params === null || params === '') params = { type: 'object', properties: {} };
  if (typeof params === 'string') {
    try {
      params = JSON.parse(params);
    } catch (err) {
      throw new FlowToolError(`tool "${name}": params schema is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new FlowToolError(`tool "${name}": params schema must be a JSON object`);
  if ((params as JsonSchema).type !== 'object') throw new FlowToolError(`tool "${name}": params schema must have "type": "object"`);
  const risk = input.risk === undefined || input.risk === '' ? 'safe' : input.risk;
  if (!RISK_TIERS.includes(risk as RiskTier))
    throw new FlowToolError(`tool "${name}": risk must be one of ${RISK_TIERS.join(', ')} (got ${JSON.stringify(risk)})`);
  let timeoutMs: number | undefined;
  if (input.timeoutMs !== undefined && input.timeoutMs !== null && input.timeoutMs !== '') {
    const t = Number(input.timeoutMs);
    if (!Number.isFinite(t) || t < 100 || t > 3_600_000) throw new FlowToolError(`tool "${name}": timeout must be between 0.1 s and 1 h`);
    timeoutMs = Math.round(t);
  }
  return { name, description, params: params as JsonSchema, risk: risk as RiskTier, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

/** Makes what a flow answered storable (JSON); undefined becomes null, functions and cycles are an error. */
export function toJson(value: unknown, what = 'msg.payload'): Json {
  if (value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new FlowToolError(`${what} cannot be stored as JSON: ${(err as Error).message}`);
  }
  return text === undefined ? null : (JSON.parse(text) as Json);
}

export class FlowTools {
  /** node id → the action name it declared. */
  private readonly declared = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly registry: ActionRegistry) {}

  /**
   * Registers the tool node `nodeId` declares. A node declares one tool: declaring again replaces its previous one.
   * Throws FlowToolError when the spec is invalid or the name is taken (by a built-in or another flow).
   */
  declare(nodeId: string, input: Parameters<typeof checkToolSpec>[0], emit: FlowToolEmitter): FlowToolSpec {
    const spec = checkToolSpec(input);
    this.withdraw(nodeId);
    const existing = this.registry.get(spec.name);
    if (existing) {
      const by = existing.provider ?? 'core';
      throw new FlowToolError(
        by.startsWith('flow:')
          ? `tool "${spec.name}" is already declared by the butler tool node ${by.slice(5)}: each tool name may be declared once`
          : `tool "${spec.name}" clashes with the built-in action of the same name (${by}): choose another name`,
      );
    }
    try {
      this.registry.register({
        name: spec.name,
        description: spec.description,
        params: spec.params,
        risk: spec.risk,
        provider: `flow:${nodeId}`,
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        handler: (params, ctx) =>
          new Promise<Json>((resolve, reject) => {
            if (ctx.signal.aborted) return reject(new Error(`${spec.name} was aborted before the flow was asked`));
            const call: FlowToolCall = { id: randomUUID(), action_type: spec.name, node: nodeId, plan_id: ctx.plan_id, index: ctx.index };
            const settle = () => {
              this.pending.delete(call.id);
              ctx.signal.removeEventListener('abort', onAbort);
            };
            const onAbort = () => {
              settle();
              reject(new Error(`${spec.name}: no butler tool result arrived in time`));
            };
            ctx.signal.addEventListener('abort', onAbort, { once: true });
            this.pending.set(call.id, {
              call,
              resolve: (v) => (settle(), resolve(v)),
              reject: (e) => (settle(), reject(e)),
            });
            try {
              emit(params, call, ctx.origin);
            } catch (err) {
              this.pending.get(call.id)?.reject(new Error(`${spec.name}: the flow could not be started: ${(err as Error).message}`));
            }
          }),
      });
    } catch (err) {
      throw new FlowToolError(`tool "${spec.name}": ${(err as Error).message}`);
    }
    this.declared.set(nodeId, spec.name);
    return spec;
  }

  /** Unregisters the tool of `nodeId` (undeploy, node removed); its calls in flight fail with a clear reason. */
  withdraw(nodeId: string): boolean {
    const name = this.declared.get(nodeId);
    if (name === undefined) return false;
    this.declared.delete(nodeId);
    if (this.registry.get(name)?.provider === `flow:${nodeId}`) this.registry.unregister(name);
    for (const p of [...this.pending.values()]) {
      if (p.call.node === nodeId) p.reject(new Error(`${name}: the flow that provides it was stopped or removed`));
    }
    return true;
  }

  /** Answers a call with the flow's output. False when the call is unknown or already ended (timed out). */
  resolve(callId: string, output: unknown): boolean {
    const p = this.pending.get(callId);
    if (!p) return false;
    let json: Json;
    try {
      json = toJson(output);
    } catch (err) {
      // The action fails with the reason at once instead of waiting for its timeout; the node reports it too.
      p.reject(err as Error);
      throw err;
    }
    p.resolve(json);
    return true;
  }

  /** Fails a call with the flow's message. False when the call is unknown or already ended. */
  reject(callId: string, message: string): boolean {
    const p = this.pending.get(callId);
    if (!p) return false;
    p.reject(new Error(message || `${p.call.action_type} failed in its flow`));
    return true;
  }

  /** Tools declared by flows: node id and action name. */
  list(): { node: string; name: string }[] {
    return [...this.declared].map(([node, name]) => ({ node, name }));
  }

  inFlight(): number {
    return this.pending.size;
  }

  /** Withdraws every tool (the flows stop). */
  close(): void {
    for (const node of [...this.declared.keys()]) this.withdraw(node);
  }
}
