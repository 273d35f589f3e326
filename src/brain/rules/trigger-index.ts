// Which rules an event, a state change or an MQTT message concerns: triggers indexed by event type, entity and topic,
// so one event costs a map lookup, not a scan of every rule; and what a trigger makes of what arrived.
import type { HassState, HassStateChange } from '../../ha/types';
import type { ButlerEvent } from '../../types';
import { inRange, numericValue, stateMatches } from './conditions';
import { parseDuration } from './deps';
import type { InstalledRule } from './runner';
import type { Trigger } from './schema';

/** One trigger of one installed rule (`index`: its position in the rule's triggers). */
export interface TriggerRef {
  c: InstalledRule;
  index: number;
  trigger: Trigger;
}

/** MQTT topic filter match (+ and # wildcards). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function stateValue(s: HassState | null | undefined, attribute?: string): unknown {
  if (!s) return undefined;
  return attribute ? s.attributes[attribute] : s.state;
}

/** Whether an event trigger's source and payload filters accept the event. */
export function eventMatches(trigger: Trigger, e: ButlerEvent): boolean {
  const t = trigger as Extract<Trigger, { kind: 'event' }>;
  if (t.source !== undefined && t.source !== e.source) return false;
  return !t.payload || Object.entries(t.payload).every(([k, v]) => jsonEqual(e.payload[k], v));
}

function addTo<K>(map: Map<K, Set<TriggerRef>>, key: K, ref: TriggerRef): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(ref);
}

function removeFrom<K>(map: Map<K, Set<TriggerRef>>, key: K, c: InstalledRule): void {
  const set = map.get(key);
  if (!set) return;
  for (const r of set) if (r.c === c) set.delete(r);
  if (set.size === 0) map.delete(key);
}

export class TriggerIndex {
  private readonly byEventType = new Map<string, Set<TriggerRef>>();
  private readonly byEntity = new Map<string, Set<TriggerRef>>();
  private readonly byTopic = new Map<string, Set<TriggerRef>>();

  /** Indexes the rule's event, state and MQTT triggers; returns the topics no rule listened to before. */
  add(c: InstalledRule): string[] {
    const newTopics: string[] = [];
    c.rule.triggers.forEach((trigger, index) => {
      const ref: TriggerRef = { c, index, trigger };
      if (trigger.kind === 'event') addTo(this.byEventType, trigger.type, ref);
      else if (trigger.kind === 'state' || trigger.kind === 'numeric_state') addTo(this.byEntity, trigger.entity_id, ref);
      else if (trigger.kind === 'mqtt') {
        if (!this.byTopic.has(trigger.topic)) newTopics.push(trigger.topic);
        addTo(this.byTopic, trigger.topic, ref);
      }
    });
    return newTopics;
  }

  /** Removes the rule's triggers; returns the topics no rule listens to any more. */
  remove(c: InstalledRule): string[] {
    const goneTopics: string[] = [];
    for (const t of c.rule.triggers) {
      if (t.kind === 'event') removeFrom(this.byEventType, t.type, c);
      else if (t.kind === 'state' || t.kind === 'numeric_state') removeFrom(this.byEntity, t.entity_id, c);
      else if (t.kind === 'mqtt') {
        removeFrom(this.byTopic, t.topic, c);
        if (!this.byTopic.has(t.topic)) goneTopics.push(t.topic);
      }
    }
    return goneTopics;
  }

  /** The event triggers on this event type (`eventMatches` checks their source and payload). */
  forEventType(type: string): Set<TriggerRef> | undefined {
    return this.byEventType.get(type);
  }

  /** The state and numeric_state triggers on the entity. */
  forEntity(entityId: string): Set<TriggerRef> | undefined {
    return this.byEntity.get(entityId);
  }

  /** The MQTT triggers whose filter matches the topic: exact topics by lookup, then the (few) wildcard filters. */
  forTopic(topic: string): TriggerRef[] {
    const hits: TriggerRef[] = [];
    const exact = this.byTopic.get(topic);
    if (exact) hits.push(...exact);
    for (const [filter, refs] of this.byTopic)
      if (filter !== topic && (filter.includes('+') || filter.includes('#')) && topicMatches(filter, topic)) hits.push(...refs);
    return hits;
  }

  /** Every topic filter some rule listens to. */
  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  hasTopics(): boolean {
    return this.byTopic.size > 0;
  }

  sizes(): { event_types: number; entities: number; topics: number } {
    return { event_types: this.byEventType.size, entities: this.byEntity.size, topics: this.byTopic.size };
  }
}

/** What a state change means for one state or numeric_state trigger. */
export interface StateVerdict {
  /** Cancel the trigger's pending `for` wait, if any. */
  cancel: boolean;
  /** Fire now. */
  fire: boolean;
  /** Start a `for` wait unless one is pending: after `ms`, fire if the state still holds. */
  hold: { ms: number; stillHolds: (getState: (entityId: string) => HassState | undefined) => boolean } | null;
}

const NOTHING: StateVerdict = { cancel: false, fire: false, hold: null };
const FIRE: StateVerdict = { cancel: false, fire: true, hold: null };
const CANCEL: StateVerdict = { cancel: true, fire: false, hold: null };

export function judgeStateChange(t: Trigger, change: HassStateChange): StateVerdict {
  if (t.kind === 'state') {
    const before = stateValue(change.old_state, t.attribute);
    const after = stateValue(change.new_state, t.attribute);
    if (jsonEqual(before, after)) return NOTHING; // attribute-only update: not a change of what this trigger watches
    const matches = stateMatches(before, t.from) && stateMatches(after, t.to);
    const holdMs = t.for !== undefined ? parseDuration(t.for) : null;
    if (holdMs === null) return matches ? FIRE : NOTHING;
    // `for`: the state has to stay; any change away from it cancels the wait.
    const cancel = t.to === undefined || !stateMatches(after, t.to);
    if (!matches) return cancel ? CANCEL : NOTHING;
    const expected = t.to ?? String(after);
    return {
      cancel,
      fire: false,
      hold: { ms: holdMs, stillHolds: (getState) => stateMatches(stateValue(getState(t.entity_id), t.attribute), expected) },
    };
  }
  if (t.kind === 'numeric_state') {
    const wasIn = inRange(numericValue(stateValue(change.old_state, t.attribute)), t.above, t.below);
    const isIn = inRange(numericValue(stateValue(change.new_state, t.attribute)), t.above, t.below);
    const holdMs = t.for !== undefined ? parseDuration(t.for) : null;
    if (!isIn) return CANCEL;
    if (wasIn) return NOTHING;
    if (holdMs === null) return FIRE;
    return {
      cancel: false,
      fire: false,
      hold: {
        ms: holdMs,
        stillHolds: (getState) => inRange(numericValue(stateValue(getState(t.entity_id), t.attribute)), t.above, t.below),
      },
    };
  }
  return NOTHING;
}
