// What the butler rules node reports for an event: which enabled rules it triggers. The rule engine runs them on
// its own (every event reaches it from the bus whatever the flows do), so a flow never runs a rule twice.
import { isDeepStrictEqual } from 'node:util';
import type { RuleInfo } from '../brain/rules/engine';
import type { JsonObject } from '../types';

export interface EventLike {
  type: string;
  source?: string;
  payload?: JsonObject;
}

/** Rules with an event trigger this event matches (type, and source and payload fields when the trigger names them). */
export function rulesForEvent(rules: readonly RuleInfo[], e: EventLike): { id: string; name: string; trigger: number }[] {
  const out: { id: string; name: string; trigger: number }[] = [];
  for (const r of rules) {
    if (r.status !== 'ok' || !r.enabled || !r.rule) continue;
    const index = r.rule.triggers.findIndex(
      (t) =>
        t.kind === 'event' &&
        t.type === e.type &&
        (t.source === undefined || t.source === e.source) &&
        (!t.payload || Object.entries(t.payload).every(([k, v]) => isDeepStrictEqual(e.payload?.[k], v))),
    );
    if (index !== -1) out.push({ id: r.id, name: r.name, trigger: index });
  }
  return out;
}
