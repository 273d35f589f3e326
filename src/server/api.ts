import { WebSocketServer, type WebSocket } from 'ws';
import { actionListSchema } from '../util/schema';
import { InputRejected } from '../bus/mqtt';
import { eventInputSchema } from '../bus/ingest';
import type { AuditStore } from '../store/audit';
import type { ConfirmationStore } from '../actions/confirmations';
import type { ActionDoor } from '../actions/door';
import type { ModeState } from '../actions/modes';
import type { ActionRegistry } from '../actions/registry';
import type { Bus } from '../bus/bus';
import type { EventIngest } from '../bus/ingest';
import type { BrainServices } from '../brain/wire';
import type { MemoryStore } from '../brain/memory/store';
import type { CommandService } from '../conversation/commands';
import { textTurnProperties } from '../conversation/turn';
import type { HealthReport, MetricFamily } from '../parts/part';
import type { HomeAssistantConnection } from '../ha/types';
import type { HttpHost } from './http';
import type { ActionRequest } from '../types';
import type { ImageInput } from '../brain/planner';
import type { BackupService } from '../core/backup';
import type { OpenedDb } from '../store/db';
import type { FlowDeployer } from './export';
import { identify, originOf, TOKEN_COOKIE, type AuthOptions } from './auth';
import { installErrorHandler } from './errors';
import { renderMetrics } from './metrics';
import { registerPanel } from './panel';
import { registerBackupRoutes } from './routes/backup';
import { registerBrainRoutes } from './routes/brain';
import { registerMemoryRoutes } from './routes/memory';
import { registerPanelRoutes, type PanelRoutesHost } from './routes/panel';

const PUBLIC = new Set(['/api/health']);

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    before: { type: 'number' },
    since: { type: 'number' },
    until: { type: 'number' },
  },
} as const;

function withProps(extra: Record<string, unknown>) {
  return { ...pageQuery, properties: { ...pageQuery.properties, ...extra } };
}

const commandBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actions: actionListSchema(),
    ...textTurnProperties,
    images: {
      type: 'array',
      maxItems: 4,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['media_type', 'data_base64'],
        properties: {
          media_type: { type: 'string', enum: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
          data_base64: { type: 'string', minLength: 4, maxLength: 7_000_000, pattern: '^[A-Za-z0-9+/=\\s]+$' },
        },
      },
    },
    reason: { type: 'string', maxLength: 500 },
  },
  oneOf: [{ required: ['actions'] }, { required: ['text'] }],
} as const;

/** What an unauthenticated caller may know of the health: the status and ok flags, no detail. */
export function publicHealth(h: HealthReport): { status: HealthReport['status']; components: Record<string, { ok: boolean }> } {
  const components: Record<string, { ok: boolean }> = {};
  for (const [name, c] of Object.entries(h.components)) components[name] = { ok: c.ok };
  return { status: h.status, components };
}

/** What the HTTP API uses of the butler. */
export interface ApiHost {
  http: HttpHost;
  audit: AuditStore;
  bus: Bus;
  commands: CommandService;
  confirmations: ConfirmationStore;
  door: ActionDoor;
  ha: HomeAssistantConnection;
  ingest: EventIngest;
  modes: ModeState;
  registry: ActionRegistry;
  /** Null when the memory part did not start. */
  memory: MemoryStore | null;
  brain: () => BrainServices | null;
  health(): HealthReport;
  metrics(): MetricFamily[];
  startedAt: number;
  /** What the panel's settings and timers read (optional: tests may start the API without them). */
  scheduler?: PanelRoutesHost['scheduler'];
  options?: PanelRoutesHost['options'];
  flows?: PanelRoutesHost['flows'];
  usage?: PanelRoutesHost['usage'];
  /** Export, import and backups (optional: tests may start the API without them). */
  backup?: { db: OpenedDb; backups: BackupService | null; flows: () => FlowDeployer | null; version: string };
}

export function registerApi(butler: ApiHost, auth: AuthOptions): void {
  const app = butler.http.app;

  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (req, reply) => {
    req.identity = identify(req.raw, auth);
    const path = req.url.split('?')[0];
    if (!path.startsWith('/api/') || PUBLIC.has(path)) return;
    if (!req.identity) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized: send Authorization: Bearer <token> (the token is in <data dir>/api-token)' });
    }
  });

  // Ack after commit: whatever a request changed (an event, a command's turn, plan and results, a decision) is in a
  // committed transaction before a 2xx leaves; a write that failed answers 503 instead of a success that would lie.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 300) return payload;
    try {
      await butler.audit.committed();
    } catch (err) {
      reply.code(503).type('application/json');
      return JSON.stringify({ error: `not stored: ${(err as Error).message}` });
    }
    return payload;
  });

  installErrorHandler(app);
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  // The watchdog and strangers see the overall status and each component's ok flag; the details (paths, URLs,
  // versions, errors) only someone the butler knows.
  app.get('/api/health', async (req, reply) => {
    const h = butler.health();
    return reply.code(h.status === 'down' ? 503 : 200).send(req.identity ? h : publicHealth(h));
  });

  app.get('/api/entities', { schema: { querystring: { type: 'object', properties: { domain: { type: 'string' } } } } }, async (req) => {
    const { domain } = req.query as { domain?: string };
    const states = [...butler.ha.states().values()].filter((s) => !domain || s.entity_id.startsWith(`${domain}.`));
    return { count: states.length, entities: states };
  });
  app.get('/api/entities/:entity_id', async (req, reply) => {
    const { entity_id } = req.params as { entity_id: string };
    const s = butler.ha.getState(entity_id);
    return s ?? reply.code(404).send({ error: `no entity ${entity_id}` });
  });

  // Images (vision) make this body larger than the default limit.
  app.post('/api/command', { schema: { body: commandBody }, bodyLimit: 24 * 1024 * 1024 }, async (req) => {
    const body = req.body as {
      actions?: ActionRequest[];
      text?: string;
      images?: ImageInput[];
      conversation_id?: string;
      language?: string;
      reason?: string;
    };
    const origin = originOf(req);
    if (body.actions)
      return butler.commands.actions(
        body.actions.map((a) => ({ action_type: a.action_type, params: a.params ?? {} })),
        origin,
        { reason: body.reason },
      );
    if (body.images && !body.text) throw new InputRejected('body: images need a text saying what to do with them');
    return butler.commands.converse({
      text: body.text!,
      origin,
      conversation_id: body.conversation_id,
      language: body.language,
      images: body.images,
    });
  });

  app.post('/api/events', { schema: { body: eventInputSchema } }, async (req) => {
    const { event, duplicate } = butler.ingest.intake(req.body, originOf(req).source);
    return duplicate ? { event_id: event.event_id, duplicate: true } : { event_id: event.event_id };
  });

  app.get(
    '/api/confirmations',
    {
      schema: {
        querystring: { type: 'object', properties: { status: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired'] } } },
      },
    },
    async (req) => {
      const { status } = req.query as { status?: 'pending' | 'approved' | 'denied' | 'expired' };
      return { confirmations: butler.confirmations.list(status) };
    },
  );
  app.post(
    '/api/confirmations/:id/:decision',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string' }, decision: { type: 'string', enum: ['approve', 'deny'] } } },
      },
    },
    async (req) => {
      const { id, decision } = req.params as { id: string; decision: 'approve' | 'deny' };
      return butler.door.decide(id, decision === 'approve', req.identity!.user);
    },
  );

  app.get(
    '/api/events',
    { schema: { querystring: withProps({ type: { type: 'string' }, source: { type: 'string' }, correlation_id: { type: 'string' } }) } },
    async (req) => ({
      events: butler.audit.listEvents(req.query as object),
    }),
  );
  app.get(
    '/api/plans',
    {
      schema: { querystring: withProps({ event_id: { type: 'string' }, source: { type: 'string' }, conversation_id: { type: 'string' } }) },
    },
    async (req) => ({
      plans: butler.audit.listPlans(req.query as object),
    }),
  );
  app.get('/api/plans/:plan_id', async (req, reply) => {
    const p = butler.audit.getPlan((req.params as { plan_id: string }).plan_id);
    return p ?? reply.code(404).send({ error: 'no such plan' });
  });
  app.get(
    '/api/results',
    {
      schema: {
        querystring: withProps({
          plan_id: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'error', 'denied', 'pending_confirmation', 'interrupted'] },
          action_type: { type: 'string' },
        }),
      },
    },
    async (req) => ({
      results: butler.audit.listResults(req.query as object),
    }),
  );
  app.get('/api/timeline', { schema: { querystring: pageQuery } }, async (req) => ({
    timeline: butler.audit.timeline(req.query as object),
  }));

  app.get('/api/actions', async () => ({ actions: butler.registry.list() }));

  app.get('/api/mode', async () => ({ mode: butler.modes.mode, privacy: butler.modes.privacy }));
  app.put(
    '/api/mode',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { mode: { type: 'string', enum: ['home', 'away', 'night'] }, privacy: { type: 'boolean' } },
        },
      },
    },
    async (req) => {
      const body = req.body as { mode?: string; privacy?: boolean };
      const actions: ActionRequest[] = [];
      if (body.mode) actions.push({ action_type: 'set_mode', params: { mode: body.mode } });
      if (body.privacy !== undefined) actions.push({ action_type: 'set_privacy', params: { enabled: body.privacy } });
      return butler.commands.actions(actions, originOf(req), { reason: 'mode change from the API' });
    },
  );

  app.get('/api/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(renderMetrics(butler.metrics(), butler.startedAt)),
  );

  // Jupyter-style first visit: /?token=… stores the token in a cookie and drops it from the address bar.
  app.get('/login', { schema: { querystring: { type: 'object', properties: { token: { type: 'string' } } } } }, async (req, reply) => {
    if (!req.identity) return reply.code(401).type('text/plain').send('Wrong or missing token: open the link printed at start-up.');
    const token = (req.query as { token?: string }).token;
    if (token) reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    return reply.redirect('./');
  });

  if (butler.memory) registerMemoryRoutes({ http: butler.http, door: butler.door, memory: butler.memory });
  registerBrainRoutes(butler);
  if (butler.backup)
    registerBackupRoutes({
      ...butler.backup,
      http: butler.http,
      registry: butler.registry,
      brain: butler.brain,
      memory: butler.memory,
      options: butler.options,
    });
  registerPanelRoutes(butler);
  registerPanel(butler);
  registerStream(butler, auth);
}

/** WebSocket /api/stream: live events, plans, results and confirmations as JSON frames `{kind, data}`. */
function registerStream(butler: Pick<ApiHost, 'http' | 'bus' | 'modes'>, auth: AuthOptions): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Set<WebSocket>();
  butler.http.onUpgrade('/api/stream', (req, socket, head) => {
    if (!identify(req, auth)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
      ws.send(JSON.stringify({ kind: 'hello', data: { mode: butler.modes.mode, privacy: butler.modes.privacy } }));
    });
  });
  const send = (kind: string) => (data: unknown) => {
    if (clients.size === 0) return;
    const frame = JSON.stringify({ kind, data });
    for (const ws of clients) if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1_000_000) ws.send(frame);
  };
  butler.bus.on('event', send('event'), 'stream');
  butler.bus.on('plan', send('plan'), 'stream');
  butler.bus.on('result', send('result'), 'stream');
  butler.bus.on('confirmation', send('confirmation'), 'stream');
  butler.bus.on('mode', send('mode'), 'stream');
  butler.http.app.addHook('onClose', async () => {
    butler.bus.removeOwner('stream');
    for (const ws of clients) ws.terminate();
    wss.close();
  });
}
