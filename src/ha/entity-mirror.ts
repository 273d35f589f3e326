// What the butler knows of Home Assistant right now: every entity's state, kept up to date from the messages of a
// subscribe_entities subscription, and the registries (areas, floors, devices, entities). Pure: no socket, no timer;
// the connection feeds it messages and hears about every change.
//
// The first message with states after every (re)subscribe is the full truth: it is diffed against the mirror, so an
// entity removed while the connection was away goes away here too (the library's entities collection would keep it).
// A message or an entity that does not have the expected shape is skipped, with the reason, never applied halfway.
import type { HassContext, HassRegistries, HassState, HassStateChange } from './types';

/** One entity in subscribe_entities' compressed form. */
export interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  c: string | HassContext;
  lc: number;
  lu?: number;
}

/** A change to one entity: what is added or replaced ('+') and which attributes are gone ('-'). */
export interface CompressedDiff {
  '+'?: { s?: string; a?: Record<string, unknown>; c?: string | Partial<HassContext>; lc?: number; lu?: number };
  '-'?: { a?: string[] };
}

/** A subscribe_entities message: added or replaced entities (a), removed ones (r), changed ones (c). */
export interface EntitiesMessage {
  a?: Record<string, CompressedState>;
  r?: string[];
  c?: Record<string, CompressedDiff>;
}

export interface MirrorListener {
  /** Every change the mirror applies, right after applying it. */
  change(change: HassStateChange): void;
  /** The awaited snapshot is applied (its changes already told; the rest of its message follows). */
  snapshot?(): void;
  /** Something in a message was not applied, and why (`entityId` null: the message as a whole). */
  ignored?(entityId: string | null, reason: string): void;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Seconds since the epoch -> ISO time, or null when it is not a time a Date can hold. */
function isoTime(seconds: unknown): string | null {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12) return null;
  return new Date(seconds * 1000).toISOString();
}

/** Why a compressed state cannot be used, or null when it can. */
function stateProblem(c: unknown): string | null {
  if (!isRecord(c)) return 'the state is not an object';
  if (typeof c.s !== 'string') return 'its state ("s") is not a string';
  if (c.a !== undefined && c.a !== null && !isRecord(c.a)) return 'its attributes ("a") are not an object';
  if (c.c !== undefined && typeof c.c !== 'string' && !isRecord(c.c)) return 'its context ("c") is neither an id nor an object';
  if (isoTime(c.lc) === null) return 'its last_changed ("lc") is not a time in seconds';
  if (c.lu && isoTime(c.lu) === null) return 'its last_updated ("lu") is not a time in seconds';
  return null;
}

/** Why a compressed diff cannot be used, or null when it can. */
function diffProblem(d: unknown): string | null {
  if (!isRecord(d)) return 'the change is not an object';
  const add = d['+'];
  if (add !== undefined) {
    if (!isRecord(add)) return 'its additions ("+") are not an object';
    if (add.s !== undefined && typeof add.s !== 'string') return 'its new state ("+.s") is not a string';
    if (add.a && !isRecord(add.a)) return 'its new attributes ("+.a") are not an object';
    if (add.c !== undefined && add.c !== null && typeof add.c !== 'string' && !isRecord(add.c))
      return 'its new context ("+.c") is neither an id nor an object';
    if (add.lc && isoTime(add.lc) === null) return 'its last_changed ("+.lc") is not a time in seconds';
    if (add.lu && isoTime(add.lu) === null) return 'its last_updated ("+.lu") is not a time in seconds';
  }
  const del = d['-'];
  if (del !== undefined) {
    if (!isRecord(del)) return 'its removals ("-") are not an object';
    if (del.a && !(Array.isArray(del.a) && del.a.every((k) => typeof k === 'string')))
      return 'its removed attributes ("-.a") are not a list of names';
  }
  return null;
}

function expand(entityId: string, c: CompressedState): HassState {
  const lc = isoTime(c.lc)!;
  return {
    entity_id: entityId,
    state: c.s,
    attributes: c.a ?? {},
    last_changed: lc,
    last_updated: c.lu ? isoTime(c.lu)! : lc,
    context: typeof c.c === 'string' ? { id: c.c, parent_id: null, user_id: null } : c.c,
  };
}

function applyDiff(old: HassState, diff: CompressedDiff): HassState {
  const next: HassState = { ...old, attributes: old.attributes };
  const add = diff['+'];
  if (add) {
    if (add.s !== undefined) next.state = add.s;
    if (add.c !== undefined) {
      const base = old.context ?? { id: '', parent_id: null, user_id: null };
      next.context = typeof add.c === 'string' ? { ...base, id: add.c } : { ...base, ...add.c };
    }
    if (add.lc) next.last_changed = next.last_updated = isoTime(add.lc)!;
    else if (add.lu) next.last_updated = isoTime(add.lu)!;
    if (add.a) next.attributes = { ...old.attributes, ...add.a };
  }
  if (diff['-']?.a) {
    if (next.attributes === old.attributes) next.attributes = { ...old.attributes };
    for (const k of diff['-'].a) delete next.attributes[k];
  }
  return next;
}

export class EntityMirror {
  private mirror = new Map<string, HassState>();
  private regs: HassRegistries = { areas: [], floors: [], devices: [], entities: [] };
  private awaitingSnapshot = false;

  constructor(private readonly listener: MirrorListener) {}

  /** The live states, keyed by entity_id (a snapshot replaces the map: ask again rather than keep it). */
  states(): ReadonlyMap<string, HassState> {
    return this.mirror;
  }

  get(entityId: string): HassState | undefined {
    return this.mirror.get(entityId);
  }

  get size(): number {
    return this.mirror.size;
  }

  registries(): HassRegistries {
    return this.regs;
  }

  setRegistries(regs: HassRegistries): void {
    this.regs = regs;
  }

  /** Replaces one registry (after a *_registry_updated event), keeping the others. */
  setRegistry<K extends keyof HassRegistries>(kind: K, rows: HassRegistries[K]): void {
    this.regs = { ...this.regs, [kind]: rows };
  }

  /** The next message with states is the full truth (call before every (re)subscribe). */
  expectSnapshot(): void {
    this.awaitingSnapshot = true;
  }

  /** Applies one subscribe_entities message: additions, then removals, then changes, telling each change. */
  apply(input: unknown): void {
    if (!isRecord(input)) {
      this.ignore(null, 'a subscribe_entities message that is not an object');
      return;
    }
    let msg = input as EntitiesMessage;
    for (const key of ['a', 'c'] as const) {
      if (msg[key] !== undefined && !isRecord(msg[key])) {
        this.ignore(null, `"${key}" of a subscribe_entities message is not an object`);
        msg = { ...msg, [key]: undefined };
      }
    }
    if (msg.r !== undefined && !Array.isArray(msg.r)) {
      this.ignore(null, '"r" of a subscribe_entities message is not a list');
      msg = { ...msg, r: undefined };
    }
    if (this.awaitingSnapshot && msg.a) {
      this.awaitingSnapshot = false;
      this.applySnapshot(msg.a);
      this.listener.snapshot?.();
      if (!msg.r && !msg.c) return;
      msg = { r: msg.r, c: msg.c };
    }
    if (msg.a) {
      for (const [id, c] of Object.entries(msg.a)) {
        const problem = stateProblem(c);
        if (problem) {
          this.ignore(id, `an added state is malformed: ${problem}`);
          continue;
        }
        const next = expand(id, c);
        const old = this.mirror.get(id) ?? null;
        this.mirror.set(id, next);
        this.listener.change({ entity_id: id, old_state: old, new_state: next });
      }
    }
    if (msg.r) {
      for (const id of msg.r) {
        if (typeof id !== 'string') {
          this.ignore(null, `a removed entity id is not a string: ${JSON.stringify(id)}`);
          continue;
        }
        const old = this.mirror.get(id);
        if (!old) continue; // already gone: nothing to tell
        this.mirror.delete(id);
        this.listener.change({ entity_id: id, old_state: old, new_state: null });
      }
    }
    if (msg.c) {
      for (const [id, diff] of Object.entries(msg.c)) {
        const old = this.mirror.get(id);
        if (!old) {
          this.ignore(id, 'state change for an entity not in the mirror');
          continue;
        }
        const problem = diffProblem(diff);
        if (problem) {
          this.ignore(id, `a state change is malformed: ${problem}`);
          continue;
        }
        const next = applyDiff(old, diff);
        this.mirror.set(id, next);
        this.listener.change({ entity_id: id, old_state: old, new_state: next });
      }
    }
  }

  /** The full truth after a (re)subscribe: tell what differs from the mirror, including removals. */
  private applySnapshot(all: Record<string, CompressedState>): void {
    const next = new Map<string, HassState>();
    const changes: HassStateChange[] = [];
    for (const [id, c] of Object.entries(all)) {
      const old = this.mirror.get(id) ?? null;
      const problem = stateProblem(c);
      if (problem) {
        // Not a reason to drop an entity Home Assistant still has: keep what the mirror knew of it.
        if (old) next.set(id, old);
        this.ignore(id, `a snapshot state is malformed: ${problem}${old ? '; kept its previous state' : ''}`);
        continue;
      }
      const st = expand(id, c);
      next.set(id, st);
      // A restarted HA re-stamps every state; only a different state or attributes is a change worth telling.
      if (!old || old.state !== st.state || !sameJson(old.attributes, st.attributes))
        changes.push({ entity_id: id, old_state: old, new_state: st });
    }
    for (const [id, old] of this.mirror) if (!next.has(id)) changes.push({ entity_id: id, old_state: old, new_state: null });
    this.mirror = next;
    for (const ch of changes) this.listener.change(ch);
  }

  private ignore(entityId: string | null, reason: string): void {
    this.listener.ignored?.(entityId, reason);
  }
}
