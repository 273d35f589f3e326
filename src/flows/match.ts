// Small matching rules the nodes share: glob lists for event types/sources and entity ids, and state-change triggers.
import type { HassStateChange } from '../ha/types';

/** "motion.*, door.opened" → matcher; an empty list matches everything. `*` matches any run of characters. */
export function globList(spec: string | undefined): (value: string) => boolean {
  const parts = String(spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return () => true;
  const res = parts.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (value) => res.some((r) => r.test(value));
}

export interface StateTrigger {
  entity: string;
  /** Previous state required ('' = any). */
  from?: string;
  /** New state required ('' = any). */
  to?: string;
}

/**
 * The trigger as a test of a change, its entity pattern compiled once (a node runs it on every state change in the
 * home): does the change fire it, ignoring the "for" hold, which the node times? Attribute-only changes never do.
 */
export function stateTrigger(trigger: StateTrigger): (change: HassStateChange) => boolean {
  const entityOk = globList(trigger.entity);
  return (change) => {
    if (!entityOk(change.entity_id)) return false;
    const oldS = change.old_state?.state ?? null;
    const newS = change.new_state?.state ?? null;
    if (oldS === newS) return false;
    if (trigger.from && oldS !== trigger.from) return false;
    if (trigger.to && newS !== trigger.to) return false;
    return true;
  };
}
