// What every palette node does the same way, so that a node's own file holds only its config and its work:
// creating the node, upgrading and checking its config, reporting a failed start once (status + log), the input
// handler's status, send and done (errors reach Catch nodes through done(err)), and cleanup on close.
import type { BusEvents } from '../../src/bus/bus';
import type { FlowBrain } from '../../src/flows/services';
import type { FlowTools } from '../../src/flows/tools';
import {
  clock,
  errorText,
  migrate,
  NodeFailure,
  servicesOf,
  short,
  type ButlerServices,
  type Migrations,
  type NodeAPI,
  type NodeDef,
  type NodeMessage,
  type NodeStatus,
  type RedNode,
} from './red';

/** What a node sends: one message, or one per output (null: nothing on that output). */
export type Outgoing = NodeMessage | (NodeMessage | null)[];

/** A status that says how something ended: "<text> · <time>" on a dot, green unless told otherwise. */
export interface Summary {
  text: string;
  fill?: NonNullable<NodeStatus['fill']>;
  shape?: NonNullable<NodeStatus['shape']>;
  /** false: no time after the text. */
  clock?: boolean;
}

/** How a message was handled. */
export interface InputResult {
  /** Shown once the message is handled (a string: a green dot). */
  status: string | Summary;
  /** Sent after the status is shown; absent or null: nothing. */
  send?: Outgoing | null;
  /** The message failed after all: the status is still shown, then done(error) hands it to Catch nodes. */
  error?: Error;
}

export interface NodeContext<C extends NodeDef = NodeDef> {
  readonly node: RedNode;
  /** The config, upgraded to the current version and checked. */
  readonly config: C;
  /** The butler services; throws when Node-RED runs without them. */
  readonly services: ButlerServices;
  /** True once the node is closing (redeploy, removal, shutdown): long waits stop early. */
  readonly closed: boolean;
  /** The brain services, or an error naming `what` the node needed from them. */
  brain(what: string): FlowBrain;
  /** The flow-tool bridge, or an error. */
  tools(): FlowTools;
  status(status: NodeStatus | Record<string, never>): void;
  /** Shows a Summary (the time appended, the text cut to fit). */
  show(summary: string | Summary): void;
  /** Shows work in progress (a blue ring). */
  busy(text: string): void;
  send(msg: Outgoing | null): void;
  /** Listens on the butler bus until the node closes. */
  listen<K extends keyof BusEvents>(event: K, fn: (value: BusEvents[K]) => void): void;
  /** Runs `fn` when the node closes (`removed`: deleted from the flows, not just redeployed). */
  onClose(fn: (removed: boolean) => void): void;
}

export interface NodeSpec<C extends NodeDef, S> {
  type: string;
  /** The config version this code reads and the editor writes (its `version` default). */
  version: number;
  /** migrations[n] upgrades a version-n config to n+1; a version with no step only gets its number raised. */
  migrations?: Migrations;
  /** Checks the upgraded config; throws ConfigError naming the field. Runs before start, without the services. */
  validate?(config: C): void;
  /**
   * Runs at deploy (listeners, subscriptions, declarations); what it returns is handed to onInput. When it throws,
   * the node shows why (a ConfigError as "config error"), logs it once, and ignores its inputs.
   */
  start?(ctx: NodeContext<C>): S;
  /**
   * Handles one message. A result says what to show and send; null means the node already did (done() follows).
   * Throwing shows the error (a red ring) and hands it to Catch nodes.
   */
  onInput?(msg: NodeMessage, ctx: NodeContext<C>, state: S): InputResult | null | Promise<InputResult | null>;
}

/** What a node file exports: Node-RED's registration function, with its config handling for tests and tools. */
export interface PaletteNode<C extends NodeDef> {
  (RED: NodeAPI): void;
  readonly type: string;
  readonly version: number;
  readonly migrations: Migrations;
  /** Upgrades and checks a saved config, as the node does at deploy; throws ConfigError. */
  parseConfig(def: NodeDef): C;
}

export function summaryStatus(s: string | Summary): NodeStatus {
  const { text, fill = 'green', shape = 'dot', clock: withClock = true } = typeof s === 'string' ? { text: s } : s;
  return { fill, shape, text: short(withClock ? `${text} · ${clock()}` : text) };
}

function failureStatus(err: unknown): NodeStatus {
  return { fill: 'red', shape: 'ring', text: err instanceof NodeFailure ? err.statusText : short(errorText(err)) };
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as Promise<T> | null)?.then === 'function';
}

let instances = 0;

/** A node's context; its methods may be destructured (`{ config, show }`). close() is the base's, not the node's. */
function contextOf<C extends NodeDef>(RED: NodeAPI, node: RedNode): NodeContext<C> & { config: C; close(removed: boolean): void } {
  const cleanups: ((removed: boolean) => void)[] = [];
  // Unique per instance, so closing a node never removes the listeners of its redeployed successor.
  const owner = `flow-node:${node.id}:${++instances}`;
  let bus: ButlerServices['bus'] | null = null;
  let closed = false;
  return {
    node,
    config: {} as C,
    get services() {
      return servicesOf(RED);
    },
    get closed() {
      return closed;
    },
    brain(what) {
      const brain = servicesOf(RED).brain;
      if (!brain) throw new Error(`${what} is missing from the butler services (settings.butler.brain)`);
      return brain;
    },
    tools() {
      const tools = servicesOf(RED).tools;
      if (!tools) throw new Error('the flow-tool bridge is missing from the butler services');
      return tools;
    },
    status: (status) => node.status(status),
    show: (summary) => node.status(summaryStatus(summary)),
    busy: (text) => node.status({ fill: 'blue', shape: 'ring', text: short(text) }),
    send: (msg) => node.send(msg),
    listen(event, fn) {
      bus = servicesOf(RED).bus;
      bus.on(event, fn, owner);
    },
    onClose: (fn) => void cleanups.push(fn),
    close(removed) {
      closed = true;
      for (const fn of cleanups.splice(0).reverse()) {
        try {
          fn(removed);
        } catch (err) {
          node.error(`${node.type}: cleanup failed: ${errorText(err)}`);
        }
      }
      bus?.removeOwner(owner);
      bus = null;
    },
  };
}

/** Defines a palette node: `export = defineNode<Config>({ type, version, migrations, validate, start, onInput })`. */
export function defineNode<C extends NodeDef = NodeDef, S = void>(spec: NodeSpec<C, S>): PaletteNode<C> {
  const migrations = spec.migrations ?? {};
  const parseConfig = (def: NodeDef): C => {
    const config = migrate<C>(def, spec.version, migrations);
    spec.validate?.(config);
    return config;
  };

  function setUp(RED: NodeAPI, node: RedNode, def: NodeDef): void {
    const ctx = contextOf<C>(RED, node);
    node.status({});
    node.on('close', (removed, done) => {
      ctx.close(removed);
      done();
    });
    let state: S;
    try {
      ctx.config = parseConfig(def);
      state = spec.start ? spec.start(ctx) : (undefined as S);
    } catch (err) {
      node.status(failureStatus(err));
      node.error(`${spec.type}: ${errorText(err)}`);
      // Reported once, here; a node that could not start lets its messages go.
      node.on('input', (_msg, _send, done) => done());
      return;
    }
    const onInput = spec.onInput;
    if (!onInput) return;
    node.on('input', (msg, _send, done) => {
      const fail = (err: unknown) => {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      };
      const finish = (r: InputResult | null) => {
        try {
          if (r) {
            node.status(summaryStatus(r.status));
            if (r.send) node.send(r.send);
            if (r.error) return done(r.error);
          }
          done();
        } catch (err) {
          fail(err);
        }
      };
      try {
        const r = onInput(msg, ctx, state);
        if (isPromise(r)) r.then(finish, fail);
        else finish(r);
      } catch (err) {
        fail(err);
      }
    });
  }

  const register = (RED: NodeAPI) => {
    RED.nodes.registerType(spec.type, function ButlerNode(this: RedNode, def: NodeDef) {
      RED.nodes.createNode(this, def);
      setUp(RED, this, def);
    });
  };
  return Object.assign(register, { type: spec.type, version: spec.version, migrations, parseConfig });
}
