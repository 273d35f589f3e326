// /api/flows/*: the deploy history (revisions, each with what changed) and restoring one. Served by its own Fastify
// instance mounted on the butler's port, so the routes can be added after the main API is listening; same auth as /api.
import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { HttpHost, RequestHandler } from '../server/http';
import { identify, type AuthOptions, type Identity } from '../server/auth';
import type { Logger } from '../log';
import { diffFlows } from './diff';
import type { FlowStorage, RevisionSummary } from './storage';

export interface RevisionRoutes {
  app: FastifyInstance;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    flowsIdentity: Identity | null;
  }
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** What the revision routes need of the flows runtime. */
export interface RevisionRuntime {
  readonly storage: FlowStorage;
  restore(id: number, user: string): Promise<RevisionSummary>;
  status(): unknown;
}

export async function registerRevisionRoutes(
  http: Pick<HttpHost, 'mount'>,
  deps: { auth: AuthOptions; runtime: RevisionRuntime; log: Logger },
): Promise<RevisionRoutes> {
  let handler: RequestHandler | null = null;
  const app = Fastify({
    // Request lines are not logged (warn and above only), like the main API.
    loggerInstance: deps.log.child({ part: 'flows-api' }, { level: 'warn' }) as unknown as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    serverFactory: (h) => {
      handler = h as RequestHandler;
      // Never listens: the butler's server hands requests over through mount().
      return createServer();
    },
    ajv: { customOptions: { allErrors: true, coerceTypes: true, useDefaults: true } },
  });
  const { storage } = deps.runtime;

  app.decorateRequest('flowsIdentity', null);
  app.addHook('onRequest', async (req, reply) => {
    req.flowsIdentity = identify(req.raw, deps.auth);
    if (!req.flowsIdentity) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized: send Authorization: Bearer <token> (the token is in <data dir>/api-token)' });
    }
    if (!req.flowsIdentity.admin) return reply.code(403).send({ error: 'forbidden: flows are for administrators' });
  });
  app.setErrorHandler(
    (
      err: Error & { validation?: { instancePath?: string; message?: string }[]; validationContext?: string; statusCode?: number },
      req,
      reply,
    ) => {
      if (err.validation) {
        const details = err.validation.map((v) => `${err.validationContext ?? 'request'}${v.instancePath ?? ''}: ${v.message}`);
        return reply.code(400).send({ error: `invalid request: ${details.join('; ')}`, details });
      }
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'flows request failed');
      return reply.code(status).send({ error: status === 500 ? `internal error: ${err.message}` : err.message });
    },
  );
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?')[0]}` }));

  app.get('/api/flows/status', async () => deps.runtime.status());

  app.get(
    '/api/flows/revisions',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, before: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (req) => {
      const q = req.query as { limit: number; before?: number };
      return { revisions: storage.listRevisions({ limit: q.limit, before: q.before }) };
    },
  );

  app.get('/api/flows/revisions/:id', { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const rev = storage.getRevision(id);
    if (!rev) return reply.code(404).send({ error: `no revision ${id}` });
    const previous = storage.listRevisions({ before: id, limit: 1 })[0];
    const prevFlows = previous ? (storage.getRevision(previous.id)?.flows ?? []) : [];
    const { credentials: _secret, ...rest } = rev;
    return { ...rest, has_credentials: rev.credentials !== null, previous_id: previous?.id ?? null, diff: diffFlows(prevFlows, rev.flows) };
  });

  app.post('/api/flows/revisions/:id/restore', { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    if (!storage.getRevision(id)) return reply.code(404).send({ error: `no revision ${id}` });
    const revision = await deps.runtime.restore(id, req.flowsIdentity!.user);
    return reply.code(201).send({ restored: id, revision });
  });

  await app.ready();
  http.mount('/api/flows', (req, res) => handler!(req, res));
  return {
    app,
    async close() {
      await app.close();
    },
  };
}
