// HTTP API of the rules, scenes and goals: /api/rules, /api/schemas/rule, /api/scenes, /api/goals.
// Errors are {error, details?} naming the field; bodies may be JSON, or YAML for rules.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BrainServices } from '../../brain/wire';
import type { GoalStatus } from '../../brain/goals/goals';
import { parseRuleDocument } from '../../brain/rules/engine';
import { ruleSchema } from '../../brain/rules/schema';
import { sceneSchema } from '../../brain/scenes/scenes';
import { UnavailableError } from '../../errors';
import { originOf } from '../auth';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } };

/** A body that arrived as text (YAML or JSON) is parsed here so its errors name the document. */
function bodyOf(req: FastifyRequest): unknown {
  return typeof req.body === 'string' ? parseRuleDocument(req.body) : req.body;
}

export interface BrainRoutesHost {
  http: { app: FastifyInstance };
  /** Null when rules, scenes and goals are not running. */
  brain: () => BrainServices | null;
}

export function registerBrainRoutes(butler: BrainRoutesHost): void {
  const app = butler.http.app;
  const brain = (): BrainServices => {
    const b = butler.brain();
    if (!b) throw new UnavailableError('rules, scenes and goals are not running');
    return b;
  };
  for (const type of YAML_TYPES) {
    if (!app.hasContentTypeParser(type))
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  }

  app.get('/api/schemas/rule', async () => ruleSchema);
  app.get('/api/schemas/scene', async () => sceneSchema);

  // ---- rules ----
  app.get('/api/rules', async () => ({ rules: brain().rules.list(), index: brain().rules.indexSizes() }));
  app.get('/api/rules/:id', { schema: { params: idParams } }, async (req, reply) => {
    const r = brain().rules.get((req.params as { id: string }).id);
    return r ?? reply.code(404).send({ error: `no rule with id "${(req.params as { id: string }).id}"` });
  });
  app.post('/api/rules', async (req, reply) => {
    return reply.code(201).send({ rule: brain().rules.create(bodyOf(req)) });
  });
  app.put('/api/rules/:id', { schema: { params: idParams } }, async (req) => {
    return { rule: brain().rules.update((req.params as { id: string }).id, bodyOf(req)) };
  });
  app.delete('/api/rules/:id', { schema: { params: idParams } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    return brain().rules.remove(id) ? { deleted: id } : reply.code(404).send({ error: `no rule with id "${id}"` });
  });
  app.post('/api/rules/import', { bodyLimit: 2 * 1024 * 1024 }, async (req, reply) => {
    const body = req.body;
    // {document: "<yaml>"} lets clients that only speak JSON send YAML too.
    const doc =
      typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { document?: unknown }).document === 'string'
        ? (body as { document: string }).document
        : body;
    if (doc === undefined || doc === null || doc === '')
      return reply.code(400).send({ error: 'body: send a YAML or JSON document of rules' });
    const imported = brain().rules.import(doc);
    return { imported: imported.length, ids: imported.map((r) => r.id) };
  });
  app.post('/api/rules/:id/run', { schema: { params: idParams } }, async (req) => {
    return { started: brain().rules.trigger((req.params as { id: string }).id, { skipConditions: true }) };
  });

  // ---- scenes ----
  app.get('/api/scenes', async () => ({ scenes: brain().scenes.list() }));
  app.get('/api/scenes/:id', { schema: { params: idParams } }, async (req, reply) => {
    const s = brain().scenes.get((req.params as { id: string }).id);
    return s ?? reply.code(404).send({ error: `no scene with id "${(req.params as { id: string }).id}"` });
  });
  app.post('/api/scenes', async (req, reply) => {
    return reply.code(201).send({ scene: brain().scenes.create(req.body) });
  });
  app.put('/api/scenes/:id', { schema: { params: idParams } }, async (req) => {
    return { scene: brain().scenes.update((req.params as { id: string }).id, req.body) };
  });
  app.delete('/api/scenes/:id', { schema: { params: idParams } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    return brain().scenes.remove(id) ? { deleted: id } : reply.code(404).send({ error: `no scene with id "${id}"` });
  });
  app.post('/api/scenes/:id/activate', { schema: { params: idParams } }, async (req) => {
    return await brain().scenes.activate((req.params as { id: string }).id, originOf(req));
  });

  // ---- goals ----
  app.get(
    '/api/goals',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['running', 'waiting', 'done', 'failed', 'cancelled'] },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { status?: GoalStatus; limit?: number };
      return { goals: brain().goals.list(q) };
    },
  );
  app.get('/api/goals/:id', { schema: { params: idParams } }, async (req, reply) => {
    const g = brain().goals.get((req.params as { id: string }).id);
    return g ?? reply.code(404).send({ error: `no goal with id "${(req.params as { id: string }).id}"` });
  });
  app.post(
    '/api/goals',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['text'],
          properties: { text: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
      },
    },
    async (req, reply) => {
      return reply.code(201).send(await brain().goals.start((req.body as { text: string }).text, originOf(req)));
    },
  );
  app.post('/api/goals/:id/cancel', { schema: { params: idParams } }, async (req) => {
    return brain().goals.cancel((req.params as { id: string }).id, req.identity?.user ?? 'api');
  });
}
