// The reference check: rules, scenes and flows that name entities Home Assistant no longer has (an entity renamed or
// removed in Home Assistant silently breaks whatever still names the old id). Only fields that hold entity ids are
// read (entity_id, entity_ids, device_id, entities, target), inside JSON-valued strings too (a flow node's params).
import type { RuleInfo } from '../brain/rules/rule-info';
import type { Scene } from '../brain/scenes/scenes';

const ENTITY_KEYS = new Set(['entity_id', 'entity_ids', 'device_id', 'entities']);
const ENTITY_ID = /^[a-z_]+\.[a-z0-9_]+$/;

export interface MissingReference {
  kind: 'rule' | 'scene' | 'flow';
  /** The rule's or scene's id, the flow node's id. */
  id: string;
  name: string;
  /** For a flow node: its type and the tab it is on. */
  node_type?: string;
  flow?: string | null;
  /** Where in the definition, as a JSON pointer-like path ("triggers/0/entity_id"). */
  path: string;
  entity_id: string;
}

export interface ReferenceReport {
  /** False when Home Assistant is not connected: nothing can be judged then, and `missing` is empty. */
  checked: boolean;
  /** Why nothing was checked, or which parts could not be read. */
  notes: string[];
  entities_known: number;
  missing: MissingReference[];
}

/** Every entity id a definition names, with the path where it does. */
export function entityReferences(value: unknown, path = ''): { path: string; entity_id: string }[] {
  const out: { path: string; entity_id: string }[] = [];
  const take = (v: unknown, p: string) => {
    if (typeof v === 'string') {
      for (const part of v.split(',')) {
        const id = part.trim();
        if (ENTITY_ID.test(id)) out.push({ path: p, entity_id: id });
      }
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) take(x, `${p}/${i}`);
    }
  };
  const walk = (v: unknown, p: string) => {
    if (typeof v === 'string') {
      const s = v.trim();
      if (s.startsWith('{') || s.startsWith('[')) {
        try {
          walk(JSON.parse(s) as unknown, p);
        } catch {
          /* not JSON: a plain text field */
        }
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${p}/${i}`);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      const q = p ? `${p}/${k}` : k;
      if (ENTITY_KEYS.has(k)) take(x, q);
      else walk(x, q);
    }
  };
  walk(value, path);
  return out;
}

interface FlowNodeLike {
  id?: unknown;
  type?: unknown;
  z?: unknown;
  name?: unknown;
  label?: unknown;
}

export interface ReferenceInput {
  connected: boolean;
  known: ReadonlySet<string>;
  rules: RuleInfo[] | null;
  scenes: Scene[] | null;
  /** The deployed flows, null when the flows are not running. */
  flows: unknown[] | null;
}

export function checkReferences(i: ReferenceInput): ReferenceReport {
  const notes: string[] = [];
  if (!i.connected) {
    return { checked: false, notes: ['Home Assistant is not connected: entities cannot be checked now'], entities_known: 0, missing: [] };
  }
  const missing: MissingReference[] = [];
  const add = (base: Omit<MissingReference, 'path' | 'entity_id'>, def: unknown) => {
    const seen = new Set<string>();
    for (const r of entityReferences(def)) {
      if (i.known.has(r.entity_id) || seen.has(`${r.path} ${r.entity_id}`)) continue;
      seen.add(`${r.path} ${r.entity_id}`);
      missing.push({ ...base, ...r });
    }
  };
  if (i.rules) for (const r of i.rules) if (r.rule) add({ kind: 'rule', id: r.id, name: r.name }, r.rule);
  if (i.scenes) for (const s of i.scenes) add({ kind: 'scene', id: s.id, name: s.name }, { actions: s.actions });
  if (!i.rules) notes.push('rules and scenes are not running: they were not checked');
  if (i.flows) {
    const nodes = i.flows as FlowNodeLike[];
    const tabs = new Map(nodes.filter((n) => n.type === 'tab').map((n) => [n.id, typeof n.label === 'string' ? n.label : String(n.id)]));
    for (const n of nodes) {
      if (typeof n.id !== 'string' || typeof n.type !== 'string' || n.type === 'tab') continue;
      const { id: _id, type: _type, z: _z, wires: _wires, x: _x, y: _y, ...fields } = n as Record<string, unknown>;
      add(
        {
          kind: 'flow',
          id: n.id,
          name: typeof n.name === 'string' && n.name ? n.name : n.type,
          node_type: n.type,
          flow: typeof n.z === 'string' ? (tabs.get(n.z) ?? n.z) : null,
        },
        fields,
      );
    }
  } else notes.push('the flows are not running: they were not checked');
  return { checked: true, notes, entities_known: i.known.size, missing };
}
