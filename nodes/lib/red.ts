// The part of Node-RED's node API the butler palette uses (node-red ships no types), and the helpers every node shares.
// Node-RED skips folders named lib/ when it scans nodesDir, so this file is never loaded as a node.
import type { ButlerServices } from '../../src/flows/services';
import type { ActionResult, Json, Origin } from '../../src/types';

export type { ButlerServices };

export interface NodeMessage {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFn = (msg: NodeMessage | (NodeMessage | null)[] | null) => void;
export type DoneFn = (err?: Error) => void;

export interface RedNode {
  id: string;
  type: string;
  name?: string;
  on(event: 'input', fn: (msg: NodeMessage, send: SendFn, done: DoneFn) => void | Promise<void>): void;
  on(event: 'close', fn: (removed: boolean, done: () => void) => void): void;
  send(msg: NodeMessage | (NodeMessage | null)[] | null): void;
  status(status: NodeStatus | Record<string, never>): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(text: unknown): void;
  log(text: unknown): void;
}

export interface NodeDef {
  id: string;
  type: string;
  name?: string;
  version?: number;
  [key: string]: unknown;
}

export interface NodeAPI {
  nodes: {
    createNode(node: RedNode, def: NodeDef): void;
    registerType(type: string, ctor: (this: RedNode, def: NodeDef) => void, opts?: Record<string, unknown>): void;
  };
  settings: { butler?: ButlerServices; [key: string]: unknown };
}

/** The butler services, or an error that says why a node cannot work (tests or a settings file without them). */
export function servicesOf(RED: NodeAPI): ButlerServices {
  const b = RED.settings.butler;
  if (!b)
    throw new Error(
      'the butler services are missing from the Node-RED settings (settings.butler): this node only runs inside Smart Butler',
    );
  return b;
}

/** An error whose status text is not its message: the status stays short, the message goes to the log and Catch nodes. */
export class NodeFailure extends Error {
  constructor(
    readonly statusText: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeFailure';
  }
}

/** A node config the code cannot work with; the message starts with the field it is about. */
export class ConfigError extends NodeFailure {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super('config error', `${field}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Upgrades a version-n config to n+1. */
export type Migrations = Record<number, (c: NodeDef) => NodeDef>;

/**
 * Node configs carry a version; older saved configs are upgraded step by step so users' flows survive upgrades.
 * `steps[n]` upgrades a version-n config to n+1. A config without a version is version 0. A config from a newer
 * Smart Butler than this one is a ConfigError: guessing what its fields mean could do the wrong thing.
 */
export function migrate<T extends NodeDef>(def: NodeDef, current: number, steps: Migrations): T {
  let c: NodeDef = { ...def };
  let v = typeof c.version === 'number' ? c.version : 0;
  if (v > current)
    throw new ConfigError(
      'version',
      `the node was saved by a newer Smart Butler (config version ${v}; this one reads up to ${current}): update Smart Butler`,
    );
  while (v < current) {
    const step = steps[v];
    if (step) c = step(c);
    v++;
    c.version = v;
  }
  return c as T;
}

/** What an input node shows while it waits for what it listens to. */
export const LISTENING: NodeStatus = { fill: 'green', shape: 'ring', text: 'listening' };

/** How long a status text may be before the editor cuts it. */
export function short(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Who a flow acts for: the conversation's origin when the message carries one, else the flow itself (trusted: admins author flows). */
export function originOf(msg: NodeMessage, node: RedNode): Origin {
  const o = msg.origin as Partial<Origin> | undefined;
  if (o && typeof o === 'object' && typeof o.source === 'string' && typeof o.trusted === 'boolean') return o as Origin;
  return { source: 'flow', trusted: true, user: `node:${node.id}` };
}

export function parseJsonObject(text: unknown, what: string): Record<string, Json> {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text === 'object' && !Array.isArray(text)) return text as Record<string, Json>;
  let v: unknown;
  try {
    v = JSON.parse(String(text));
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} must be a JSON object`);
  return v as Record<string, Json>;
}

/** The id of the butler event a message came from (msg.event.event_id), so what a flow does links back to it. */
export function eventIdOf(msg: NodeMessage): string | null {
  const event = msg.event as { event_id?: unknown } | undefined;
  return typeof event?.event_id === 'string' ? event.event_id : null;
}

/** msg.payload as text, or an error that says what it should have been. */
export function textPayload(msg: NodeMessage, what: string): string {
  if (typeof msg.payload !== 'string')
    throw new Error(`msg.payload must be ${what} (a string), got ${msg.payload === null ? 'null' : typeof msg.payload}`);
  return msg.payload;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface ActionSpec {
  action_type: string;
  params: Record<string, Json>;
}

/**
 * The actions a message asks for: msg.payload as a plan ({actions:[...]}), a single action ({action_type, params}),
 * or, when the node is configured with an action, that action (params from the config, merged with msg.params).
 */
export function actionsOf(msg: NodeMessage, config: { action_type?: unknown; params?: unknown }): ActionSpec[] {
  if (typeof config.action_type === 'string' && config.action_type) {
    const params = { ...parseJsonObject(config.params, "the node's params"), ...parseJsonObject(msg.params, 'msg.params') };
    return [{ action_type: config.action_type, params }];
  }
  const p = msg.payload as { actions?: unknown; action_type?: unknown; params?: unknown } | null | undefined;
  if (p && typeof p === 'object' && Array.isArray(p.actions)) {
    return p.actions.map((a, i) => {
      const x = a as { action_type?: unknown; params?: unknown } | null;
      if (!x || typeof x.action_type !== 'string') throw new Error(`msg.payload.actions[${i}].action_type must be a string`);
      return { action_type: x.action_type, params: parseJsonObject(x.params, `msg.payload.actions[${i}].params`) };
    });
  }
  if (p && typeof p === 'object' && typeof p.action_type === 'string') {
    return [{ action_type: p.action_type, params: parseJsonObject(p.params, 'msg.payload.params') }];
  }
  throw new Error('no action: set one in the node, or send msg.payload = {action_type, params} or {actions: [...]}');
}

/**
 * Runs one action through the door for a node, with the message's origin and event, and puts its output and plan on
 * the message. The caller decides what an error result means for its status.
 */
export async function runOneAction(
  services: Pick<ButlerServices, 'door'>,
  msg: NodeMessage,
  node: RedNode,
  /** The node's configured name, for the plan's reason. */
  name: string | undefined,
  action_type: string,
  params: Record<string, Json>,
): Promise<ActionResult> {
  const outcome = await services.door.execute({
    actions: [{ action_type, params }],
    origin: originOf(msg, node),
    reason: `flow node ${name || node.id}`,
    triggered_by_event_id: eventIdOf(msg),
  });
  const r = outcome.results[0];
  msg.payload = r.output;
  msg.plan_id = outcome.plan_id;
  return r;
}

/** A failed action's error for Catch nodes: `<action>: ` and its own words (its `error` text), else its output as JSON. */
export function actionError(action: string, r: ActionResult): Error {
  const why = (r.output as { error?: unknown } | null)?.error;
  return new Error(`${action}: ${typeof why === 'string' ? why : JSON.stringify(why ?? r.output)}`);
}
