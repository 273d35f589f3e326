// JSON-schema helpers every layer uses: one ajv configuration, one wording for its errors, and the shape of an
// action list. Kept apart from the action registry so the bus and the config can validate without depending on it.
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, coerceTypes: false });
  addFormats(ajv);
  return ajv;
}

/** One readable line per schema error: where (prefixed, e.g. "payload/actions/0") and what. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return (errors ?? []).map((e) => {
    const where = `${prefix}${e.instancePath}` || '(root)';
    if (e.keyword === 'additionalProperties')
      return `${where}: unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'required')
      return `${where}: missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
    if (e.keyword === 'enum')
      return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${where}: ${e.message ?? e.keyword}`;
  });
}

/** JSON schema of a list of `{action_type, params}` requests, as every surface accepts them. */
export function actionListSchema(maxItems = 50) {
  return {
    type: 'array',
    minItems: 1,
    maxItems,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['action_type'],
      properties: { action_type: { type: 'string', minLength: 1 }, params: { type: 'object' } },
    },
  } as const;
}
