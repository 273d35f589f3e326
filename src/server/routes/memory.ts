// HTTP API of the butler's memory: GET /api/memories?q=&limit=&before=, POST /api/memories {text, subject?},
// PUT /api/memories/:id {text, subject?}, DELETE /api/memories/:id. Reads go to the store; every change goes through the one door, with the caller's origin.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ActionExecutor, PlanOutcome } from '../../actions/types';
import type { MemoryStore } from '../../brain/memory/store';
import { MAX_MEMORY_CHARS, MAX_RECALL, MAX_SUBJECT_CHARS } from '../../brain/memory/store';
import { MAX_QUERY_CHARS } from '../../brain/memory/text';
import { originOf } from '../auth';

export interface MemoryRoutesHost {
  http: { app: FastifyInstance };
  door: ActionExecutor;
  memory: MemoryStore;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: MAX_QUERY_CHARS },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    before: { type: 'integer', minimum: 1 },
  },
} as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: {
    text: { type: 'string', minLength: 1, maxLength: MAX_MEMORY_CHARS, pattern: '\\S' },
    subject: { type: 'string', maxLength: MAX_SUBJECT_CHARS },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** One action's outcome as an HTTP answer: ok -> `status`, waiting -> 202, denied -> 403, failed -> 500. */
function answer(reply: FastifyReply, plan: PlanOutcome, status: number): FastifyReply {
  const r = plan.results[0];
  const base = { plan_id: plan.plan_id, policy: plan.policy };
  if (!r) return reply.code(500).send({ ...base, error: 'the action produced no result' });
  const output = r.output as { error?: string; reason?: string } | null;
  if (r.status === 'ok') return reply.code(status).send({ ...base, result: r.output });
  if (r.status === 'pending_confirmation') return reply.code(202).send({ ...base, pending_confirmation: r.output });
  if (r.status === 'denied') return reply.code(403).send({ ...base, error: `denied: ${output?.reason ?? 'by policy'}` });
  return reply.code(500).send({ ...base, error: output?.error ?? 'the action failed' });
}

export function registerMemoryRoutes(butler: MemoryRoutesHost): void {
  const app = butler.http.app;

  app.get('/api/memories', { schema: { querystring: listQuery } }, async (req) => {
    const { q, limit, before } = req.query as { q?: string; limit?: number; before?: number };
    const status = butler.memory.status();
    if (q?.trim()) {
      const r = await butler.memory.recall(q, Math.min(limit ?? 10, MAX_RECALL));
      return {
        query: r.query,
        mode: r.mode,
        ...(r.degraded ? { degraded: r.degraded } : {}),
        count: r.memories.length,
        memories: r.memories,
      };
    }
    const memories = butler.memory.list({ limit: limit ?? 100, before });
    return { mode: 'recent', total: butler.memory.count(), embeddings: status.embeddings, count: memories.length, memories };
  });

  app.post('/api/memories', { schema: { body: createBody } }, async (req, reply) => {
    const body = req.body as { text: string; subject?: string };
    const plan = await butler.door.execute({
      actions: [
        {
          action_type: 'memory_remember',
          params: body.subject === undefined ? { text: body.text } : { text: body.text, subject: body.subject },
        },
      ],
      origin: originOf(req),
      reason: 'POST /api/memories',
    });
    const r = plan.results[0];
    const duplicate = r?.status === 'ok' && (r.output as { duplicate?: boolean }).duplicate === true;
    return answer(reply, plan, duplicate ? 200 : 201);
  });

  app.put('/api/memories/:id', { schema: { params: idParams, body: createBody } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    const body = req.body as { text: string; subject?: string };
    if (!butler.memory.get(id)) return reply.code(404).send({ error: `no memory with id ${id}` });
    const same = butler.memory.duplicateOf(body.text, body.subject);
    if (same !== null && same !== id) return reply.code(409).send({ error: `text: the same memory is already kept (id ${same})` });
    const plan = await butler.door.execute({
      actions: [
        { action_type: 'memory_update', params: { id, text: body.text, ...(body.subject === undefined ? {} : { subject: body.subject }) } },
      ],
      origin: originOf(req),
      reason: `PUT /api/memories/${id}`,
    });
    return answer(reply, plan, 200);
  });

  app.delete('/api/memories/:id', { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    if (!butler.memory.get(id)) return reply.code(404).send({ error: `no memory with id ${id}` });
    const plan = await butler.door.execute({
      actions: [{ action_type: 'memory_forget', params: { id } }],
      origin: originOf(req),
      reason: `DELETE /api/memories/${id}`,
    });
    return answer(reply, plan, 200);
  });
}
