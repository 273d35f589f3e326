// Node-RED 4.1 embedded in the butler's process and port: editor + admin API at /flows/ (admin only), HTTP-in at
// /endpoint/, the editor's WebSocket at /flows/comms routed by the butler's upgrade router, flows in SQLite.
// A bad palette node or a broken flow never stops the butler: the runtime falls back to safe mode and says why
// in health(); only a credential secret that cannot open the stored credentials stops the start (see credentials.ts).
import { EventEmitter } from 'node:events';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, lstatSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Butler, MetricFamily } from '../service';
import { identify, TOKEN_COOKIE, type AuthOptions, type Identity } from '../server/auth';
import type { Logger } from '../log';
import { FlowConversations } from './conversations';
import { resolveCredentialSecret } from './credentials';
import { isFlowArray, type FlowNode } from './diff';
import { registerRevisionRoutes, type RevisionRoutes } from './routes';
import type { ButlerServices } from './services';
import { FlowTools } from './tools';
import { createFlowStorage, type FlowStorage, type RevisionSummary } from './storage';

export const ADMIN_ROOT = '/flows';
export const NODE_ROOT = '/endpoint';
/** Header the gate sets (and strips from clients) to tell Node-RED who the butler authenticated. */
const USER_HEADER = 'x-butler-editor-user';

export interface FlowsStatus {
  ok: boolean;
  detail: string;
  state: 'starting' | 'running' | 'safe' | 'stopped' | 'failed';
  safe_mode: boolean;
  problems: string[];
  node_errors: { id: string; type: string; message: string; ts: number }[];
}

export interface FlowsRuntime {
  readonly conversations: FlowConversations;
  readonly storage: FlowStorage;
  status(): FlowsStatus;
  /** Deploys revision `id` again (recorded as a new revision of kind "restore"). */
  restore(id: number, user: string): Promise<RevisionSummary>;
  stop(): Promise<void>;
}

export interface StartFlowsOptions {
  /** Where the compiled palette is (default: dist/nodes beside the compiled src). */
  nodesDir?: string;
  /** Shipped flows (default-pipeline.json, examples/). */
  flowsDir?: string;
  /** How long a conversation offered to the flows waits for butler-reply before the built-in pipeline answers. */
  conversationTimeoutMs?: number;
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

interface NodeRedLogMessage {
  level: number;
  msg?: unknown;
  type?: string;
  id?: string;
  name?: string;
}

const NR_LEVELS: Record<number, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  10: 'fatal',
  20: 'error',
  30: 'warn',
  40: 'info',
  50: 'debug',
  60: 'trace',
};

function findUp(from: string, rel: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, rel))) return join(dir, rel);
    if (dirname(dir) === dir) return null;
  }
}

export function defaultNodesDir(): string {
  // Compiled: dist/src/flows → dist/nodes. From source (tsx): src/flows → ../../dist/nodes.
  return findUp(__dirname, join('dist', 'nodes')) ?? resolve(__dirname, '..', '..', 'nodes');
}

export function defaultFlowsDir(): string {
  return findUp(__dirname, join('flows', 'default-pipeline.json'))
    ? dirname(findUp(__dirname, join('flows', 'default-pipeline.json'))!)
    : resolve(__dirname, '..', '..', 'flows');
}

export function loadShippedFlows(flowsDir: string, name = 'default-pipeline.json'): FlowNode[] {
  const v = JSON.parse(readFileSync(join(flowsDir, name), 'utf8')) as unknown;
  if (!isFlowArray(v)) throw new Error(`${join(flowsDir, name)} is not a Node-RED flows array`);
  return v;
}

function messageText(m: unknown): string {
  if (m instanceof Error) return m.message;
  if (typeof m === 'string') return m;
  try {
    return JSON.stringify(m);
  } catch {
    return String(m);
  }
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

function denied(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
  res.end(
    JSON.stringify({
      error: 'unauthorized: the flow editor is for administrators; open it from the Home Assistant sidebar or with ?token=<API token>',
    }),
  );
}

let started = false;

/**
 * Links the compiled palette (dist/nodes, which has a package.json) into <userDir>/node_modules so Node-RED loads it
 * as the module "smart-butler-palette". False when that is not possible (then nodesDir is used).
 */
function linkPalette(userDir: string, nodesDir: string, log: Logger): boolean {
  if (!existsSync(join(nodesDir, 'package.json'))) return false;
  const modules = join(userDir, 'node_modules');
  const link = join(modules, 'smart-butler-palette');
  try {
    mkdirSync(modules, { recursive: true });
    try {
      if (realpathSync(link) === realpathSync(nodesDir)) return true;
    } catch {
      /* no link yet */
    }
    try {
      // A stale link (or a leftover folder) is replaced; never follow a link when removing it.
      if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
      else rmSync(link, { recursive: true, force: true });
    } catch {
      /* nothing there */
    }
    symlinkSync(nodesDir, link, 'dir');
    return true;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not link the palette as a module: loading it as a folder (no translations)');
    return false;
  }
}

export async function startFlows(butler: Butler, auth: AuthOptions, opts: StartFlowsOptions = {}): Promise<FlowsRuntime> {
  if (started) throw new Error('Node-RED is a process-wide singleton: startFlows can run once per process');
  const log: Logger = butler.log.child({ part: 'flows' });
  const dataDir = butler.options.data_dir;
  const flowsDir = opts.flowsDir ?? defaultFlowsDir();
  const nodesDir = opts.nodesDir ?? defaultNodesDir();
  const storage = createFlowStorage(butler.db);
  const conversations = new FlowConversations();
  const problems: string[] = [];
  const nodeErrors = new Map<string, { id: string; type: string; message: string; ts: number }>();
  let state: FlowsStatus['state'] = 'starting';
  let safeMode = false;
  let missingTypes: string[] = [];
  let stopped = false;

  // 1. The credential secret must open what is stored, or the start stops here with what to do.
  const secret = resolveCredentialSecret({ configured: butler.options.credential_secret, dataDir, stored: storage.readCredentials() });
  if (secret.reencrypted) {
    storage.writeCredentials(secret.reencrypted);
    log.info({ source: secret.source }, 'flow credentials re-encrypted with the configured credential_secret');
  }

  // 2. First start: the default pipeline is the first revision.
  try {
    if (storage.seedIfEmpty(loadShippedFlows(flowsDir), 'butler')) log.info('deployed the default butler pipeline (first start)');
  } catch (err) {
    problems.push(`the default pipeline could not be deployed: ${messageText(err)}`);
  }

  // 3. A corrupt flows row: keep a copy, load the newest good revision in safe mode (nothing runs until a deploy).
  const check = storage.check();
  if (!check.ok) {
    safeMode = true;
    const backup = join(dataDir, `flows-corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      writeFileSync(backup, storage.rawFlows() ?? '', { mode: 0o600 });
    } catch {
      /* the message below still says what happened */
    }
    const msg =
      `${check.problem}; a copy is in ${backup}. ` +
      (check.fallbackRevision !== null
        ? `The editor shows revision ${check.fallbackRevision} (the newest readable one), stopped: `
        : 'The editor starts empty, stopped: ') +
      'review it in the flow editor and deploy to run flows again';
    problems.push(msg);
    log.error({ problem: check.problem, backup, revision: check.fallbackRevision }, 'flows are corrupt: Node-RED starts in safe mode');
  }

  // 4. Node-RED's editor WebSocket (and websocket-in nodes) reach it through the butler's upgrade router.
  const relay = new EventEmitter();
  relay.setMaxListeners(0);
  const sessionSecret = randomBytes(24).toString('hex');
  const stamp = (req: IncomingMessage, who: Identity) => {
    req.headers[USER_HEADER] = `${sessionSecret}:${encodeURIComponent(who.user)}`;
  };
  const gate = (req: IncomingMessage): Identity | null => {
    delete req.headers[USER_HEADER];
    const who = identify(req, auth);
    if (!who?.admin) return null;
    stamp(req, who);
    return who;
  };

  const services: ButlerServices = {
    bus: butler.bus,
    door: butler.door,
    policy: butler.policy,
    registry: butler.registry,
    ha: butler.ha,
    ingest: butler.ingest,
    mqtt: butler.mqtt ?? null,
    conversations,
    log: log.child({ part: 'flow-nodes' }),
    tools: new FlowTools(butler.registry),
  };
  // The brain nodes need the planner and the rule/scene/goal services; a host without them (tests) leaves them out.
  if (butler.llm?.planner && butler.brain && butler.offline) {
    const brain = butler.brain;
    const understanding = butler.offline.understanding;
    services.brain = {
      planner: butler.llm.planner,
      online: () => Boolean(butler.options.llm_api_key),
      understanding,
      rules: brain.rules,
      scenes: brain.scenes,
      goals: brain.goals,
    };
  }

  const userDir = join(dataDir, 'node-red');
  mkdirSync(userDir, { recursive: true });
  // Node-RED reads <userDir>/package.json when it scans for modules.
  if (!existsSync(join(userDir, 'package.json')))
    writeFileSync(join(userDir, 'package.json'), `${JSON.stringify({ name: 'butler-node-red', private: true }, null, 2)}\n`);
  const paletteAsModule = linkPalette(userDir, nodesDir, log);
  const settings: Record<string, unknown> = {
    httpAdminRoot: ADMIN_ROOT,
    httpNodeRoot: NODE_ROOT,
    userDir,
    // As a module (linked into userDir/node_modules) the palette's locales and icons load; as a plain folder they don't.
    nodesDir: paletteAsModule ? [] : [nodesDir],
    storageModule: storage,
    credentialSecret: secret.secret,
    safeMode,
    butler: services,
    uiPort: butler.port,
    flowFilePretty: false,
    disableEditor: false,
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpload: false }, modules: { allowInstall: false } },
    functionExternalModules: false,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: {
      page: { title: 'Smart Butler · flows' },
      header: { title: 'Smart Butler flows' },
      projects: { enabled: false },
      tours: false,
      palette: { catalogues: [] },
      login: {},
    },
    adminAuth: {
      type: 'credentials',
      users: async () => null,
      authenticate: async () => null,
      tokenHeader: USER_HEADER,
      tokens: async (token: string) => {
        const colon = token.indexOf(':');
        if (colon === -1) return null;
        const a = Buffer.from(token.slice(0, colon));
        const b = Buffer.from(sessionSecret);
        if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
        return { username: decodeURIComponent(token.slice(colon + 1)), permissions: '*' };
      },
    },
    logging: {
      butler: {
        level: 'info',
        metrics: false,
        audit: false,
        handler: () => (m: NodeRedLogMessage) => {
          const level = NR_LEVELS[m.level] ?? 'info';
          const text = messageText(m.msg);
          if (m.id && m.type && m.level <= 20) {
            nodeErrors.set(m.id, { id: m.id, type: m.type, message: text.slice(0, 300), ts: Date.now() / 1000 });
            if (nodeErrors.size > 50) nodeErrors.delete(nodeErrors.keys().next().value!);
          }
          // Palette nodes that fail to load are reported by the registry during start: keep them for health().
          if (!m.id && m.level <= 30 && state === 'starting' && /^\[[^\]]+\] \w*Error|Failed to register/.test(text))
            problems.push(text.slice(0, 300));
          log[level](m.id ? { node: m.id, type: m.type, name: m.name } : {}, text);
        },
      },
    },
  };

  let RED: NodeRedModule;
  let routes: RevisionRoutes | null = null;
  try {
    // Loaded here, not at the top: the rest of the butler never pays for Node-RED unless flows start.
    RED = require('node-red') as NodeRedModule;
    RED.init(relay, settings);
    started = true;
  } catch (err) {
    state = 'failed';
    problems.push(`Node-RED could not be initialised: ${messageText(err)}`);
    log.error({ err }, 'Node-RED could not be initialised: flows are off, the butler keeps running');
    return offline();
  }

  // Errors of nodes that are being replaced go with them (a full deploy replaces every node).
  RED.events.on('flows:stopping', (e: { type?: string; diff?: { changed?: string[]; removed?: string[]; rewired?: string[] } }) => {
    if (!e?.type || e.type === 'full' || !e.diff) return nodeErrors.clear();
    for (const id of [...(e.diff.changed ?? []), ...(e.diff.removed ?? []), ...(e.diff.rewired ?? [])]) nodeErrors.delete(id);
  });
  RED.events.on('runtime-event', (e: { id?: string; payload?: { state?: string; error?: string; types?: string[] } }) => {
    if (e.id !== 'runtime-state') return;
    const p = e.payload ?? {};
    if (p.error === 'missing-types') {
      missingTypes = p.types ?? [];
      state = 'stopped';
    } else if (p.state === 'safe') {
      state = 'safe';
    } else if (p.state === 'start' || p.state === undefined) {
      missingTypes = [];
      safeMode = false;
      if (state !== 'failed') state = 'running';
    } else if (p.state === 'stop') {
      state = 'stopped';
    }
  });

  butler.http.mount(ADMIN_ROOT, (req, res) => {
    const path = pathOf(req.url);
    const who = gate(req);
    if (!who) return denied(res);
    // ?token= once: keep it in the same cookie the panel uses, so the editor's own requests carry it.
    if (who.via === 'token' && /[?&]token=/.test(req.url ?? '') && !req.headers.authorization) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(auth.token)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (path === ADMIN_ROOT) {
      // Relative, so it works under the ingress prefix too.
      res.writeHead(302, { location: 'flows/' });
      return res.end();
    }
    req.url = (req.url ?? '/').slice(ADMIN_ROOT.length) || '/';
    RED.httpAdmin(req, res);
  });
  butler.http.mount(NODE_ROOT, (req, res) => {
    req.url = (req.url ?? '/').slice(NODE_ROOT.length) || '/';
    RED.httpNode(req, res);
  });
  butler.http.onUpgrade(`${ADMIN_ROOT}/comms`, (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!gate(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    relay.emit('upgrade', req, socket, head);
  });
  butler.http.onUpgrade(NODE_ROOT, (req: IncomingMessage, socket: Duplex, head: Buffer) => relay.emit('upgrade', req, socket, head));

  const runtime: FlowsRuntime = {
    conversations,
    storage,
    status,
    async restore(id, user) {
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
      log.info({ revision: id, user }, 'flows restored from a revision');
      return storage.listRevisions({ limit: 1 })[0];
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      conversations.close();
      await routes?.close();
      try {
        await RED.stop();
      } catch (err) {
        log.warn({ err }, 'stopping Node-RED failed');
      }
      services.tools?.close();
      state = 'stopped';
    },
  };

  routes = await registerRevisionRoutes(butler.http, { auth, runtime, log });

  try {
    await RED.start();
    if (state === 'starting') state = safeMode ? 'safe' : 'running';
  } catch (err) {
    state = 'failed';
    problems.push(`Node-RED did not start: ${messageText(err)}`);
    log.error({ err }, 'Node-RED did not start: flows are off, the butler keeps running');
  }

  // Import → Examples → smart-butler: the shipped pipeline and examples, re-importable at any time.
  try {
    const library = require('@node-red/registry/lib/library') as { addExamplesDir(module: string, path: string): Promise<void> };
    await library.addExamplesDir('smart-butler', flowsDir);
  } catch (err) {
    log.warn({ err: messageText(err) }, 'the shipped example flows are not listed in the editor');
  }

  if (butler.commands && typeof butler.commands.addStage === 'function') {
    const timeoutMs = opts.conversationTimeoutMs ?? 10_000;
    butler.commands.addStage(
      'flows',
      async (req) => {
        if (stopped) return null;
        const reply = await conversations.offer(
          { text: req.text, conversation_id: req.conversation_id, language: req.language, origin: req.origin, event_id: req.event_id },
          timeoutMs,
        );
        if (!reply) return null;
        return {
          reply: reply.reply,
          conversation_id: req.conversation_id,
          handled: true,
          plan_id: reply.plan_id ?? null,
          results: reply.results ?? [],
          language: req.language,
          answered_by: 'flow',
        };
      },
      'first',
    );
  }

  butler.addMetrics((): MetricFamily[] => {
    const c = conversations.stats();
    return [
      [
        'butler_flows_running',
        { type: 'gauge', help: '1 when deployed flows are running', samples: [[null, status().state === 'running' ? 1 : 0]] },
      ],
      [
        'butler_flows_node_errors',
        { type: 'gauge', help: 'Flow nodes that reported an error since the last deploy', samples: [[null, nodeErrors.size]] },
      ],
      [
        'butler_flow_conversations_total',
        {
          type: 'counter',
          help: 'Conversations offered to flows, by outcome',
          samples: [
            [{ outcome: 'answered' }, c.answered],
            [{ outcome: 'timed_out' }, c.timed_out],
            [{ outcome: 'declined' }, c.declined],
          ],
        },
      ],
    ];
  });

  // Flows are one component of GET /api/health.
  butler.addHealth('flows', () => {
    const s = status();
    return { ok: s.ok, detail: s.detail };
  });

  const h = status();
  (h.ok ? log.info.bind(log) : log.warn.bind(log))({ state: h.state, detail: h.detail }, 'flows started');
  return runtime;

  function status(): FlowsStatus {
    const all = [...problems];
    if (missingTypes.length) all.push(`flows are stopped: node types missing from the palette: ${missingTypes.join(', ')}`);
    const errs = [...nodeErrors.values()];
    const ok = state === 'running' && all.length === 0;
    let detail: string;
    if (state === 'running') detail = 'running';
    else if (state === 'safe') detail = 'safe mode: flows are loaded but stopped';
    else detail = state;
    if (all.length) detail += `: ${all.join('; ')}`;
    if (errs.length)
      detail += `; ${errs.length} node error(s), latest [${errs[errs.length - 1].type}:${errs[errs.length - 1].id}] ${errs[errs.length - 1].message}`;
    return { ok: ok && errs.length === 0, detail, state, safe_mode: state === 'safe', problems: all, node_errors: errs };
  }

  function offline(): FlowsRuntime {
    return {
      conversations,
      storage,
      status,
      async restore() {
        throw Object.assign(new Error('flows are off: Node-RED did not start (see /api/health)'), { statusCode: 503 });
      },
      async stop() {
        conversations.close();
      },
    };
  }
}
