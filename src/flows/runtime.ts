// Node-RED 4.1 embedded in the butler's process and port: editor + admin API at /flows/ (admin only), HTTP-in at
// /endpoint/, the editor's WebSocket at /flows/comms routed by the butler's upgrade router, flows in SQLite.
// A bad palette node or a broken flow never stops the butler: the runtime falls back to safe mode and says why
// in status(); only a credential secret that cannot open the stored credentials stops the start (see credentials.ts).
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { AuthOptions } from '../server/auth';
import type { HttpHost } from '../server/http';
import type { OpenedDb } from '../store/db';
import { FlowConversations } from './conversations';
import type { FlowNode } from './diff';
import { type EditorGate, mountEditor } from './gate';
import { messageText, prepareFlows } from './recovery';
import { registerRevisionRoutes, type RevisionRoutes } from './routes';
import type { ButlerServices } from './services';
import { nodeRedSettings, type NodeRedLogMessage, relayLog } from './settings';
import { defaultFlowsDir, defaultNodesDir, linkPalette, listExamples, loadShippedFlows } from './shipped';
import { decryptCredentials } from './credentials';
import { createFlowStorage, type FlowStorage, type RevisionSummary } from './storage';
import { FlowTools } from './tools';

export { defaultFlowsDir, defaultNodesDir, loadShippedFlows } from './shipped';
export { ADMIN_ROOT, NODE_ROOT } from './gate';

export interface FlowsStatus {
  ok: boolean;
  detail: string;
  state: 'starting' | 'running' | 'safe' | 'stopped' | 'failed';
  safe_mode: boolean;
  problems: string[];
  node_errors: { id: string; type: string; message: string; ts: number }[];
}

export interface FlowsOptions {
  /** Where the compiled palette is (default: dist/nodes beside the compiled src). */
  nodesDir?: string;
  /** Shipped flows (default-pipeline.json, examples/). */
  flowsDir?: string;
}

/** What the flows need from the butler: where to keep things, and the services the palette's nodes use. */
export interface FlowsHost {
  log: Logger;
  dataDir: string;
  credentialSecret?: string;
  db: OpenedDb;
  /** The butler's HTTP port (Node-RED's uiPort, shown by nodes that build URLs). */
  uiPort: number;
  services: Omit<ButlerServices, 'conversations' | 'log' | 'tools'>;
}

/** The slice of the node-red module the butler uses. */
interface NodeRedModule {
  init(server: EventEmitter, settings: Record<string, unknown>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: (req: IncomingMessage, res: ServerResponse) => void;
  httpNode: (req: IncomingMessage, res: ServerResponse) => void;
  events: EventEmitter;
  runtime: {
    flows: {
      setFlows(opts: {
        flows: { flows: FlowNode[]; credentials?: Record<string, unknown> };
        deploymentType: string;
        user?: unknown;
      }): Promise<{ rev: string }>;
    };
  };
}

type NodeError = FlowsStatus['node_errors'][number];

let initialised = false;

/** Node-RED inside the butler. Mounted on the HTTP host when created (the editor says "starting" until it runs). */
export class FlowsRuntime {
  readonly conversations = new FlowConversations();
  private red: NodeRedModule | null = null;
  private storageRef: FlowStorage | null = null;
  private routes: RevisionRoutes | null = null;
  private tools: FlowTools | null = null;
  private readonly relay = new EventEmitter();
  private readonly gate: EditorGate;
  private readonly problems: string[] = [];
  private readonly nodeErrors = new Map<string, NodeError>();
  private state: FlowsStatus['state'] = 'starting';
  private missingTypes: string[] = [];
  private log: Logger | null = null;
  private isClosed = false;
  private credentialSecret: string | null = null;

  constructor(
    private readonly http: Pick<HttpHost, 'mount' | 'onUpgrade'>,
    private readonly auth: AuthOptions,
    private readonly opts: FlowsOptions = {},
  ) {
    this.relay.setMaxListeners(0);
    this.gate = mountEditor(
      http,
      auth,
      this.relay,
      () => this.red,
      () => this.state === 'starting',
    );
  }

  get storage(): FlowStorage {
    if (!this.storageRef) throw new Error('flows have not started');
    return this.storageRef;
  }

  /** True once stop() ran: conversations are no longer offered to the flows. */
  get closed(): boolean {
    return this.isClosed;
  }

  async start(host: FlowsHost): Promise<void> {
    if (initialised) throw new Error('Node-RED is a process-wide singleton: flows can start once per process');
    const log = host.log;
    this.log = log;
    const flowsDir = this.opts.flowsDir ?? defaultFlowsDir();
    const nodesDir = this.opts.nodesDir ?? defaultNodesDir();
    const storage = createFlowStorage(host.db);
    this.storageRef = storage;

    const prepared = prepareFlows({
      storage,
      dataDir: host.dataDir,
      configuredSecret: host.credentialSecret,
      shipped: () => loadShippedFlows(flowsDir),
      log,
    });
    this.problems.push(...prepared.problems);
    this.credentialSecret = prepared.credentialSecret;

    this.tools = new FlowTools(host.services.registry);
    const services: ButlerServices = {
      ...host.services,
      conversations: this.conversations,
      log: log.child({ part: 'flow-nodes' }),
      tools: this.tools,
    };

    const userDir = join(host.dataDir, 'node-red');
    mkdirSync(userDir, { recursive: true });
    // Node-RED reads <userDir>/package.json when it scans for modules.
    if (!existsSync(join(userDir, 'package.json')))
      writeFileSync(join(userDir, 'package.json'), `${JSON.stringify({ name: 'butler-node-red', private: true }, null, 2)}\n`);
    const paletteAsModule = linkPalette(userDir, nodesDir, log);
    const settings = nodeRedSettings({
      userDir,
      // As a module (linked into userDir/node_modules) the palette's locales and icons load; as a plain folder they don't.
      nodesDir: paletteAsModule ? [] : [nodesDir],
      storage,
      credentialSecret: prepared.credentialSecret,
      safeMode: prepared.safeMode,
      services,
      uiPort: host.uiPort,
      gate: this.gate,
      onLog: (m) => this.onLog(m),
    });

    let RED: NodeRedModule;
    try {
      // Loaded here, not at the top: the rest of the butler never pays for Node-RED unless flows start.
      RED = require('node-red') as NodeRedModule;
      RED.init(this.relay, settings);
      initialised = true;
      this.red = RED;
    } catch (err) {
      this.state = 'failed';
      this.problems.push(`Node-RED could not be initialised: ${messageText(err)}`);
      log.error({ err }, 'Node-RED could not be initialised: flows are off, the butler keeps running');
      return;
    }
    this.watch(RED);
    this.routes = await registerRevisionRoutes(this.http, { auth: this.auth, runtime: this, log });

    try {
      await RED.start();
      if (this.state === 'starting') this.state = prepared.safeMode ? 'safe' : 'running';
    } catch (err) {
      this.state = 'failed';
      this.problems.push(`Node-RED did not start: ${messageText(err)}`);
      log.error({ err }, 'Node-RED did not start: flows are off, the butler keeps running');
    }
    await listExamples(flowsDir, log);
    const h = this.status();
    (h.ok ? log.info.bind(log) : log.warn.bind(log))({ state: h.state, detail: h.detail }, 'flows started');
  }

  private onLog(m: NodeRedLogMessage): void {
    const text = messageText(m.msg);
    if (m.id && m.type && m.level <= 20) {
      this.nodeErrors.set(m.id, { id: m.id, type: m.type, message: text.slice(0, 300), ts: Date.now() / 1000 });
      if (this.nodeErrors.size > 50) this.nodeErrors.delete(this.nodeErrors.keys().next().value!);
    }
    // Palette nodes that fail to load are reported by the registry during start: keep them for status().
    if (!m.id && m.level <= 30 && this.state === 'starting' && /^\[[^\]]+\] \w*Error|Failed to register/.test(text))
      this.problems.push(text.slice(0, 300));
    if (this.log) relayLog(this.log, m, text);
  }

  private watch(RED: NodeRedModule): void {
    // Errors of nodes that are being replaced go with them (a full deploy replaces every node).
    RED.events.on('flows:stopping', (e: { type?: string; diff?: { changed?: string[]; removed?: string[]; rewired?: string[] } }) => {
      if (!e?.type || e.type === 'full' || !e.diff) return this.nodeErrors.clear();
      for (const id of [...(e.diff.changed ?? []), ...(e.diff.removed ?? []), ...(e.diff.rewired ?? [])]) this.nodeErrors.delete(id);
    });
    RED.events.on('runtime-event', (e: { id?: string; payload?: { state?: string; error?: string; types?: string[] } }) => {
      if (e.id !== 'runtime-state') return;
      const p = e.payload ?? {};
      if (p.error === 'missing-types') {
        this.missingTypes = p.types ?? [];
        this.state = 'stopped';
      } else if (p.state === 'safe') {
        this.state = 'safe';
      } else if (p.state === 'start' || p.state === undefined) {
        this.missingTypes = [];
        if (this.state !== 'failed') this.state = 'running';
      } else if (p.state === 'stop') {
        this.state = 'stopped';
      }
    });
  }

  /** Deploys revision `id` again (recorded as a new revision of kind "restore"). */
  async restore(id: number, user: string): Promise<RevisionSummary> {
    const RED = this.red;
    if (!RED) throw Object.assign(new Error('flows are off: Node-RED did not start (see /api/health)'), { statusCode: 503 });
    const storage = this.storage;
    const rev = storage.getRevision(id);
    if (!rev) throw Object.assign(new Error(`no readable revision ${id}`), { statusCode: 404 });
    storage.expectRestore(id);
    try {
      await RED.runtime.flows.setFlows({
        flows: rev.credentials ? { flows: rev.flows, credentials: rev.credentials } : { flows: rev.flows },
        deploymentType: 'full',
        user: { username: user, permissions: '*' },
      });
    } catch (err) {
      storage.expectRestore(null);
      throw err;
    }
    this.log?.info({ revision: id, user }, 'flows restored from a revision');
    return storage.listRevisions({ limit: 1 })[0];
  }

  /** Node-RED is up: flows can be deployed. */
  get deployable(): boolean {
    return this.red !== null;
  }

  /** Whether an encrypted credentials object ({"$": ...}) opens with this butler's credential secret. */
  opensCredentials(blob: Record<string, unknown>): boolean {
    if (!this.credentialSecret) return false;
    try {
      decryptCredentials(this.credentialSecret, blob);
      return true;
    } catch {
      return false;
    }
  }

  /** Deploys a whole set of flows (an import), with its encrypted credentials if any; recorded as a deploy revision. */
  async deploy(flows: FlowNode[], credentials: Record<string, unknown> | null, user: string): Promise<RevisionSummary> {
    const RED = this.red;
    if (!RED) throw Object.assign(new Error('flows are off: Node-RED did not start (see /api/health)'), { statusCode: 503 });
    // Given encrypted ({"$": ...}) Node-RED loads the credentials but does not save them; given in clear (per node) it
    // saves them, encrypted with this butler's secret.
    const plain = credentials && this.credentialSecret ? decryptCredentials(this.credentialSecret, credentials) : null;
    await RED.runtime.flows.setFlows({
      flows: plain ? { flows, credentials: plain } : { flows },
      deploymentType: 'full',
      user: { username: user, permissions: '*' },
    });
    this.log?.info({ nodes: flows.length, user }, 'flows deployed from an import');
    return this.storage.listRevisions({ limit: 1 })[0];
  }

  async stop(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const RED = this.red;
    this.red = null;
    this.state = 'stopped';
    this.conversations.close();
    await this.routes?.close();
    if (RED) {
      try {
        await RED.stop();
      } catch (err) {
        this.log?.warn({ err }, 'stopping Node-RED failed');
      }
    }
    this.tools?.close();
  }

  status(): FlowsStatus {
    const all = [...this.problems];
    if (this.missingTypes.length) all.push(`flows are stopped: node types missing from the palette: ${this.missingTypes.join(', ')}`);
    const errs = [...this.nodeErrors.values()];
    const state = this.state;
    const ok = state === 'running' && all.length === 0;
    let detail: string;
    if (state === 'running') detail = 'running';
    else if (state === 'safe') detail = 'safe mode: flows are loaded but stopped';
    else detail = state;
    if (all.length) detail += `: ${all.join('; ')}`;
    if (errs.length) {
      const last = errs[errs.length - 1];
      detail += `; ${errs.length} node error(s), latest [${last.type}:${last.id}] ${last.message}`;
    }
    return { ok: ok && errs.length === 0, detail, state, safe_mode: state === 'safe', problems: all, node_errors: errs };
  }

  stats(): { running: boolean; nodeErrors: number } {
    return { running: this.state === 'running', nodeErrors: this.nodeErrors.size };
  }
}
