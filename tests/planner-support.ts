// Shared fixtures of the planner tests: a real ActionRegistry with a few actions, a tiny executor that
// validates through it and records every plan, and a small home.
import { ActionRegistry } from '../src/actions/registry';
import type { ActionExecutor, PlanOutcome, PlanRequest } from '../src/actions/types';
import type { HomeContext } from '../src/brain/planner/types';
import type { ActionResult, JsonObject } from '../src/types';

export function testRegistry(): ActionRegistry {
  const registry = new ActionRegistry();
  registry.register({
    name: 'ha_call_service',
    description: 'Call a Home Assistant service, e.g. light.turn_on with target {entity_id}.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['domain', 'service'],
      properties: {
        domain: { type: 'string', pattern: '^[a-z0-9_]+$' },
        service: { type: 'string', pattern: '^[a-z0-9_]+$' },
        data: { type: 'object' },
        target: {
          type: 'object',
          properties: { entity_id: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
        },
      },
    },
    risk: 'safe',
    riskFor: (p) => (p.domain === 'lock' && p.service === 'unlock' ? 'sensitive' : 'safe'),
    handler: async () => ({ ok: true }),
  });
  registry.register({
    name: 'notify',
    description: 'Send a notification to the household.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      properties: {
        title: { type: 'string' },
        message: { type: 'string', minLength: 1 },
        level: { type: 'string', enum: ['info', 'warning', 'critical'], default: 'info' },
      },
    },
    risk: 'safe',
    handler: async () => ({ sent: true }),
  });
  return registry;
}

export interface RecordingExecutor extends ActionExecutor {
  calls: PlanRequest[];
  /** Makes the next execute() throw (once). */
  failNext?: Error;
  /** Action types the "policy" denies. */
  deny: Set<string>;
}

/** Validates through the real registry; sensitive actions from untrusted origins wait for confirmation. */
export function recordingExecutor(registry: ActionRegistry): RecordingExecutor {
  let n = 0;
  const exec: RecordingExecutor = {
    calls: [],
    deny: new Set(),
    async execute(request: PlanRequest): Promise<PlanOutcome> {
      exec.calls.push(request);
      if (exec.failNext) {
        const e = exec.failNext;
        exec.failNext = undefined;
        throw e;
      }
      const plan_id = `plan_${++n}`;
      const results: ActionResult[] = request.actions.map((a, index): ActionResult => {
        const base = { plan_id, index, action_type: a.action_type, ts: 0 };
        try {
          const params = registry.validate(a.action_type, a.params);
          if (exec.deny.has(a.action_type)) return { ...base, status: 'denied', output: { reason: 'denied by test policy' } };
          const risk = registry.riskOf(a.action_type, params);
          const untrusted = !request.origin.trusted || request.origin.untrusted_input === true;
          if (risk !== 'safe' && untrusted)
            return { ...base, status: 'pending_confirmation', output: { confirmation_id: `c_${plan_id}_${index}` } };
          return { ...base, status: 'ok', output: { done: true, params } as JsonObject };
        } catch (err) {
          return { ...base, status: 'error', output: { error: (err as Error).message } };
        }
      });
      return { plan_id, policy: 'allow', results };
    },
  };
  return exec;
}

export function testHome(overrides: Partial<HomeContext> = {}): HomeContext {
  return {
    areas: [
      { id: 'kitchen', name: 'Kitchen' },
      { id: 'hallway', name: 'Hallway' },
    ],
    entities: [
      { entity_id: 'light.kitchen', name: 'Kitchen Lights', area: 'Kitchen', state: 'off', attributes: { brightness: null } },
      { entity_id: 'light.hallway', name: 'Hallway Light', area: 'Hallway', state: 'on', attributes: { brightness: 120 } },
      { entity_id: 'lock.front_door', name: 'Front Door', area: 'Hallway', state: 'locked' },
    ],
    mode: 'home',
    privacy: false,
    memories: ['Anna likes the hallway light dim at night.'],
    ...overrides,
  };
}

/** The text of the last user message of a recorded Messages API body. */
export function lastUserText(body: unknown): string {
  const messages = (body as { messages: Array<{ role: string; content: string | Array<{ type: string; text?: string }> }> }).messages;
  const last = messages[messages.length - 1];
  if (typeof last.content === 'string') return last.content;
  return last.content.map((b) => b.text ?? '').join('\n');
}
