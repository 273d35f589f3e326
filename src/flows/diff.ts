// What changed between two deploys, by node id: the summary kept with every revision.

export interface FlowNodeRef {
  id: string;
  type: string;
  name?: string;
  /** The tab (flow) the node sits on. */
  z?: string;
}

export interface FlowDiff {
  added: FlowNodeRef[];
  removed: FlowNodeRef[];
  /** Configuration changed (anything but the position). */
  changed: FlowNodeRef[];
  /** Only the position in the editor changed. */
  moved: FlowNodeRef[];
  /** "+2 -1 ~3" style one-liner. */
  text: string;
}

export type FlowNode = { id: string; type: string; [key: string]: unknown };

export function isFlowArray(value: unknown): value is FlowNode[] {
  return (
    Array.isArray(value) &&
    value.every(
      (n) => n !== null && typeof n === 'object' && typeof (n as FlowNode).id === 'string' && typeof (n as FlowNode).type === 'string',
    )
  );
}

function ref(n: FlowNode): FlowNodeRef {
  const r: FlowNodeRef = { id: n.id, type: n.type };
  if (typeof n.name === 'string' && n.name) r.name = n.name;
  else if (typeof n.label === 'string' && n.label) r.name = n.label;
  if (typeof n.z === 'string') r.z = n.z;
  return r;
}

function withoutPosition(n: FlowNode): string {
  const { x: _x, y: _y, ...rest } = n;
  return stableStringify(rest);
}

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`)
    .join(',')}}`;
}

export function diffFlows(before: readonly FlowNode[], after: readonly FlowNode[]): FlowDiff {
  const old = new Map(before.map((n) => [n.id, n]));
  const next = new Map(after.map((n) => [n.id, n]));
  const added: FlowNodeRef[] = [];
  const removed: FlowNodeRef[] = [];
  const changed: FlowNodeRef[] = [];
  const moved: FlowNodeRef[] = [];
  for (const [id, n] of next) {
    const o = old.get(id);
    if (!o) added.push(ref(n));
    else if (withoutPosition(o) !== withoutPosition(n)) changed.push(ref(n));
    else if (o.x !== n.x || o.y !== n.y) moved.push(ref(n));
  }
  for (const [id, o] of old) if (!next.has(id)) removed.push(ref(o));
  const parts = [`+${added.length}`, `-${removed.length}`, `~${changed.length}`];
  if (moved.length) parts.push(`moved ${moved.length}`);
  return { added, removed, changed, moved, text: parts.join(' ') };
}
