// The API's one error handler: request validation failures, the service errors of src/errors.ts and Fastify's own
// 4xx errors become `{error}` with their status; anything else is a 500 that is logged and not described.
import type { ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { InvalidError, ServiceError } from '../errors';
import { describeAjvErrors } from '../util/schema';

type HandledError = Error & { validation?: unknown[]; validationContext?: string; statusCode?: number };

/** The status an error answers with; 500 for anything not meant for the caller. */
export function statusOf(err: HandledError): number {
  if (err instanceof ServiceError) return err.statusCode;
  // Fastify's own errors (malformed JSON, body too large, unsupported media type) carry a 4xx status.
  return err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: HandledError, req, reply) => {
    if (err.validation) {
      const details = describeAjvErrors(err.validation as ErrorObject[], err.validationContext ?? 'body');
      return reply.code(400).send({ error: `invalid request: ${details.join('; ')}`, details });
    }
    const status = statusOf(err);
    if (status === 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(500).send({ error: 'internal error: see the butler log' });
    }
    if (err instanceof InvalidError && err.details) return reply.code(status).send({ error: err.message, details: err.details });
    return reply.code(status).send({ error: err.message });
  });
}
