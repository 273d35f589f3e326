// The errors a caller can act on, each carrying the HTTP status the API answers with. Services throw these; one
// Fastify error handler (src/server/errors.ts) turns them into `{error}` answers, so no route lists error classes.

/** An error whose message is meant for the caller (it names what was wrong); `statusCode` is the HTTP answer. */
export abstract class ServiceError extends Error {
  abstract readonly statusCode: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Bad input (400). The message names the field ("text: say what to remember"); when a validator found several
 * problems, `details` lists each one, field first, and is sent along.
 */
export class InvalidError extends ServiceError {
  readonly statusCode = 400;

  constructor(
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }

  /** `invalid <what>: <field>: <problem>; ...` with every problem in `details`. */
  static fields(what: string, details: string[]): InvalidError {
    return new InvalidError(invalidMessage(what, details), details);
  }
}

/** The wording of InvalidError.fields, for subclasses that name their subject. */
export function invalidMessage(what: string, details: string[]): string {
  return `invalid ${what}: ${details.join('; ')}`;
}

/** No such thing (404). */
export class NotFoundError extends ServiceError {
  readonly statusCode = 404;
}

/** It exists already, or is no longer in the state the request expects (409). */
export class ConflictError extends ServiceError {
  readonly statusCode = 409;
}

/** It existed but is over: an expired confirmation (410). */
export class GoneError extends ServiceError {
  readonly statusCode = 410;
}

/** Well-formed, but nothing can be made of it: a goal no planner understands (422). */
export class UnprocessableError extends ServiceError {
  readonly statusCode = 422;
}

/** The part that would answer is not running (503). */
export class UnavailableError extends ServiceError {
  readonly statusCode = 503;
}

/**
 * An action that could not be done, for a person to hear: `message` says it in English, `code` and `args` let a reply
 * in another language say it in its own words (src/conversation/replies.ts).
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly args: Record<string, string | number | string[]> = {},
  ) {
    super(message);
    this.name = 'ActionError';
  }
}
