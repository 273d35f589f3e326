// Condition evaluation against the live entity mirror, the home mode and the clock (shared by rules and goals).
import type { HassState } from '../../ha/types';
import type { HomeMode } from '../../types';
import { parseClock } from './deps';
import { WEEKDAYS, type Condition } from './schema';

export interface ConditionContext {
  getState(entityId: string): HassState | undefined;
  mode: HomeMode;
  privacy: boolean;
  now: Date;
}

function stateValue(s: HassState | undefined, attribute?: string): unknown {
  if (!s) return undefined;
  return attribute ? s.attributes[attribute] : s.state;
}

export function stateMatches(value: unknown, expected: string | string[] | undefined): boolean {
  if (expected === undefined) return true;
  const v = value === undefined || value === null ? '' : String(value);
  return Array.isArray(expected) ? expected.includes(v) : v === expected;
}

export function numericValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function inRange(n: number | null, above?: number, below?: number): boolean {
  if (n === null) return false;
  if (above !== undefined && !(n > above)) return false;
  if (below !== undefined && !(n < below)) return false;
  return true;
}

export function evaluateCondition(c: Condition, ctx: ConditionContext): boolean {
  switch (c.kind) {
    case 'state':
      return stateMatches(stateValue(ctx.getState(c.entity_id), c.attribute), c.state);
    case 'numeric_state':
      return inRange(numericValue(stateValue(ctx.getState(c.entity_id), c.attribute)), c.above, c.below);
    case 'time': {
      const secs = ctx.now.getHours() * 3600 + ctx.now.getMinutes() * 60 + ctx.now.getSeconds();
      if (c.weekday && !c.weekday.includes(WEEKDAYS[ctx.now.getDay()])) return false;
      const after = c.after !== undefined ? parseClock(c.after) : null;
      const before = c.before !== undefined ? parseClock(c.before) : null;
      if (after !== null && before !== null && after > before) return secs >= after || secs < before; // wraps midnight
      if (after !== null && secs < after) return false;
      if (before !== null && secs >= before) return false;
      return true;
    }
    case 'mode':
      if (c.privacy !== undefined && c.privacy !== ctx.privacy) return false;
      return stateMatches(ctx.mode, c.mode);
    case 'and':
      return c.conditions.every((x) => evaluateCondition(x, ctx));
    case 'or':
      return c.conditions.some((x) => evaluateCondition(x, ctx));
    case 'not':
      return !c.conditions.some((x) => evaluateCondition(x, ctx));
  }
}

export function evaluateAll(conds: Condition[], ctx: ConditionContext): boolean {
  return conds.every((c) => evaluateCondition(c, ctx));
}
