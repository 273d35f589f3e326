// The rule format (published at GET /api/schemas/rule) and its validation: the JSON schema first, then what a schema
// cannot say (registered actions and their params, cron expressions, durations). Every error names its field.
import type { ErrorObject } from 'ajv';
import { Cron } from 'croner';
import { ParamsError, type ActionRegistry } from '../../actions/registry';
import { InvalidError, invalidMessage } from '../../errors';
import { createAjv } from '../../util/schema';
import type { Json, JsonObject } from '../../types';
import { parseClock, parseDuration } from './deps';

export const TRIGGER_KINDS = ['event', 'state', 'numeric_state', 'mqtt', 'time', 'cron'] as const;
export const CONDITION_KINDS = ['state', 'numeric_state', 'time', 'mode', 'and', 'or', 'not'] as const;
export const RULE_MODES = ['single', 'restart', 'queued', 'parallel'] as const;

export type RuleMode = (typeof RULE_MODES)[number];
type StateValue = string | string[];

export type Trigger =
  | { kind: 'event'; type: string; source?: string; payload?: JsonObject }
  | { kind: 'state'; entity_id: string; attribute?: string; from?: StateValue; to?: StateValue; for?: number | string }
  | { kind: 'numeric_state'; entity_id: string; attribute?: string; above?: number; below?: number; for?: number | string }
  | { kind: 'mqtt'; topic: string; payload?: string }
  | { kind: 'time'; at: string }
  | { kind: 'cron'; cron: string };

export type Condition =
  | { kind: 'state'; entity_id: string; attribute?: string; state: StateValue }
  | { kind: 'numeric_state'; entity_id: string; attribute?: string; above?: number; below?: number }
  | { kind: 'time'; after?: string; before?: string; weekday?: Weekday[] }
  | { kind: 'mode'; mode?: StateValue; privacy?: boolean }
  | { kind: 'and' | 'or' | 'not'; conditions: Condition[] };

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export type RuleStep =
  | { action_type: string; params?: JsonObject }
  | { delay: number | string }
  | { choose: { conditions: Condition[]; actions: RuleStep[] }[]; default?: RuleStep[] };

export interface Rule {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  mode: RuleMode;
  /** Seconds after a run starts during which the rule ignores its triggers. */
  cooldown_s: number;
  /** Longest queue (queued) or most concurrent runs (parallel). */
  max_runs: number;
  triggers: Trigger[];
  conditions: Condition[];
  actions: RuleStep[];
}

const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const entityId = { type: 'string', pattern: '^[a-z_]+\\.[a-z0-9_]+$' };
const stateValue = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] };
const duration = {
  oneOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^\\d{1,2}:\\d{2}(:\\d{2})?$' },
  ],
};
const clock = { type: 'string', pattern: '^\\d{1,2}:\\d{2}(:\\d{2})?$' };

function kinds(list: readonly string[], shapes: Record<string, { required?: string[]; properties: Record<string, unknown> }>) {
  return {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: [...list] } },
    allOf: Object.entries(shapes).map(([kind, s]) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      then: { additionalProperties: false, required: s.required ?? [], properties: { kind: { const: kind }, ...s.properties } },
    })),
  };
}

export const ruleSchema = {
  $id: 'https://smart-butler.local/schemas/rule.json',
  title: 'Smart Butler rule',
  type: 'object',
  additionalProperties: false,
  required: ['triggers', 'actions'],
  properties: {
    id: { type: 'string', pattern: ID_PATTERN },
    name: { type: 'string', maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    enabled: { type: 'boolean', default: true },
    mode: { enum: [...RULE_MODES], default: 'single' },
    cooldown_s: { type: 'number', minimum: 0, maximum: 604800, default: 0 },
    max_runs: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    triggers: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/definitions/trigger' } },
    conditions: { type: 'array', maxItems: 50, items: { $ref: '#/definitions/condition' }, default: [] },
    actions: { $ref: '#/definitions/steps' },
  },
  definitions: {
    trigger: kinds(TRIGGER_KINDS, {
      event: {
        required: ['type'],
        properties: {
          type: { type: 'string', minLength: 1, maxLength: 128 },
          source: { type: 'string', minLength: 1 },
          payload: { type: 'object' },
        },
      },
      state: {
        required: ['entity_id'],
        properties: { entity_id: entityId, attribute: { type: 'string', minLength: 1 }, from: stateValue, to: stateValue, for: duration },
      },
      numeric_state: {
        required: ['entity_id'],
        properties: {
          entity_id: entityId,
          attribute: { type: 'string', minLength: 1 },
          above: { type: 'number' },
          below: { type: 'number' },
          for: duration,
        },
      },
      mqtt: { required: ['topic'], properties: { topic: { type: 'string', minLength: 1, maxLength: 256 }, payload: { type: 'string' } } },
      time: { required: ['at'], properties: { at: clock } },
      cron: { required: ['cron'], properties: { cron: { type: 'string', minLength: 9, maxLength: 120 } } },
    }),
    condition: kinds(CONDITION_KINDS, {
      state: {
        required: ['entity_id', 'state'],
        properties: { entity_id: entityId, attribute: { type: 'string', minLength: 1 }, state: stateValue },
      },
      numeric_state: {
        required: ['entity_id'],
        properties: {
          entity_id: entityId,
          attribute: { type: 'string', minLength: 1 },
          above: { type: 'number' },
          below: { type: 'number' },
        },
      },
      time: { properties: { after: clock, before: clock, weekday: { type: 'array', minItems: 1, items: { enum: WEEKDAYS } } } },
      mode: {
        properties: {
          mode: {
            oneOf: [{ enum: ['home', 'away', 'night'] }, { type: 'array', minItems: 1, items: { enum: ['home', 'away', 'night'] } }],
          },
          privacy: { type: 'boolean' },
        },
      },
      and: {
        required: ['conditions'],
        properties: { conditions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } } },
      },
      or: {
        required: ['conditions'],
        properties: { conditions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } } },
      },
      not: {
        required: ['conditions'],
        properties: { conditions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } } },
      },
    }),
    steps: { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/definitions/step' } },
    step: {
      type: 'object',
      anyOf: [{ required: ['action_type'] }, { required: ['delay'] }, { required: ['choose'] }],
      allOf: [
        {
          if: { required: ['action_type'] },
          then: { additionalProperties: false, properties: { action_type: { type: 'string', minLength: 1 }, params: { type: 'object' } } },
        },
        { if: { required: ['delay'] }, then: { additionalProperties: false, properties: { delay: duration } } },
        {
          if: { required: ['choose'] },
          then: {
            additionalProperties: false,
            properties: {
              choose: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['conditions', 'actions'],
                  properties: {
                    conditions: { type: 'array', minItems: 1, items: { $ref: '#/definitions/condition' } },
                    actions: { $ref: '#/definitions/steps' },
                  },
                },
              },
              default: { $ref: '#/definitions/steps' },
            },
          },
        },
      ],
    },
  },
} as const;

const validateSchema = createAjv().compile(ruleSchema);

/** An invalid rule (400), every problem in `details`. A class of its own: the rule engine and the rules node tell it apart from other failures. */
export class RuleValidationError extends InvalidError {
  declare readonly details: string[];

  constructor(details: string[]) {
    super(invalidMessage('rule', details), details);
  }
}

/** Readable errors without the noise Ajv adds for if/then and anyOf/oneOf branches. */
function describe(errors: ErrorObject[], prefix: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (s: string) => {
    if (!seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  };
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    const where = `${prefix}${e.instancePath}` || '(root)';
    if (e.keyword === 'if') continue;
    if (e.keyword === 'anyOf' && anyOfPaths.has(e.instancePath)) {
      push(`${where}: a step needs one of "action_type", "delay" or "choose"`);
      continue;
    }
    if (e.schemaPath.includes('/anyOf/') && anyOfPaths.has(e.instancePath)) continue;
    // oneOf (string or list, number or "HH:MM:SS") reports each branch; say it once.
    if (e.keyword === 'oneOf') {
      push(`${where}: has the wrong type or format`);
      continue;
    }
    if (/\/oneOf\/\d+\//.test(e.schemaPath) && oneOfPaths.has(e.instancePath)) continue;
    if (e.keyword === 'const' && e.instancePath.endsWith('/kind')) continue;
    if (e.keyword === 'additionalProperties')
      push(`${where}: unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`);
    else if (e.keyword === 'required')
      push(`${where}: missing required property "${(e.params as { missingProperty: string }).missingProperty}"`);
    else if (e.keyword === 'enum')
      push(`${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
    else push(`${where}: ${e.message ?? e.keyword}`);
  }
  return out;
}

function checkConditions(conds: Condition[], path: string, errors: string[]): void {
  conds.forEach((c, i) => {
    const at = `${path}/${i}`;
    if (c.kind === 'and' || c.kind === 'or' || c.kind === 'not') checkConditions(c.conditions, `${at}/conditions`, errors);
    else if (c.kind === 'time') {
      if (c.after !== undefined && parseClock(c.after) === null) errors.push(`${at}/after: "${c.after}" is not a time of day (HH:MM)`);
      if (c.before !== undefined && parseClock(c.before) === null) errors.push(`${at}/before: "${c.before}" is not a time of day (HH:MM)`);
    } else if (c.kind === 'numeric_state' && c.above === undefined && c.below === undefined)
      errors.push(`${at}: needs "above", "below" or both`);
  });
}

function checkSteps(steps: RuleStep[], path: string, registry: ActionRegistry, errors: string[]): void {
  steps.forEach((s, i) => {
    const at = `${path}/${i}`;
    if ('action_type' in s) {
      if (!registry.has(s.action_type)) {
        errors.push(`${at}/action_type: unknown action "${s.action_type}"`);
        return;
      }
      try {
        s.params = registry.validate(s.action_type, s.params ?? {});
      } catch (err) {
        const details = err instanceof ParamsError ? err.details : [(err as Error).message];
        for (const d of details) errors.push(`${at}/params${d.startsWith('/') ? '' : ': '}${d.replace(/^\(root\): /, '')}`);
      }
    } else if ('delay' in s) {
      if (parseDuration(s.delay) === null) errors.push(`${at}/delay: "${String(s.delay)}" is not a duration (seconds or HH:MM:SS)`);
    } else if ('choose' in s) {
      s.choose.forEach((branch, b) => {
        checkConditions(branch.conditions, `${at}/choose/${b}/conditions`, errors);
        checkSteps(branch.actions, `${at}/choose/${b}/actions`, registry, errors);
      });
      if (s.default) checkSteps(s.default, `${at}/default`, registry, errors);
    }
  });
}

/**
 * Validates one rule document (already parsed from YAML/JSON) and returns it normalised (defaults filled, params
 * validated). `fallbackId` names a rule without an id. Throws RuleValidationError listing every problem.
 */
export function validateRule(input: unknown, registry: ActionRegistry, fallbackId: () => string, prefix = ''): Rule {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new RuleValidationError([`${prefix || '(root)'}: a rule must be an object`]);
  const copy = structuredClone(input) as JsonObject;
  if (!validateSchema(copy)) throw new RuleValidationError(describe(validateSchema.errors ?? [], prefix));
  const rule = copy as unknown as Rule;
  const errors: string[] = [];
  rule.triggers.forEach((t, i) => {
    const at = `${prefix}/triggers/${i}`;
    if (t.kind === 'time' && parseClock(t.at) === null) errors.push(`${at}/at: "${t.at}" is not a time of day (HH:MM)`);
    if (t.kind === 'cron') {
      try {
        new Cron(t.cron, { paused: true }).stop();
      } catch (err) {
        errors.push(`${at}/cron: ${(err as Error).message}`);
      }
    }
    if ((t.kind === 'state' || t.kind === 'numeric_state') && t.for !== undefined && parseDuration(t.for) === null)
      errors.push(`${at}/for: "${String(t.for)}" is not a duration`);
    if (t.kind === 'numeric_state' && t.above === undefined && t.below === undefined) errors.push(`${at}: needs "above", "below" or both`);
  });
  checkConditions(rule.conditions, `${prefix}/conditions`, errors);
  checkSteps(rule.actions, `${prefix}/actions`, registry, errors);
  if (errors.length) throw new RuleValidationError(errors);
  rule.id ??= fallbackId();
  rule.name ??= rule.id;
  return rule;
}

export type { Json };
