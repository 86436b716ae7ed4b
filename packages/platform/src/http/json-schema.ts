/**
 * The JSON Schemas every service's routes share. A route validates requests and serialises responses with these very
 * objects, and /openapi.json is generated from them (openapi.ts), so the document cannot drift from the server.
 */
export type JsonSchema = Record<string, unknown>;

/** The one error body: `{ "error": { "code", "message", "details"? } }`, for every error status of every route. */
export const errorBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]+$', description: 'Stable, machine-readable.' },
        message: { type: 'string', description: 'For humans; may change.' },
        details: { description: 'Structured context, e.g. the offending field.' },
      },
    },
  },
};

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

/** `limit`: an integer 1–100, default 50; query values are text, the kit's validator coerces "37" to 37. */
export const limitSchema: JsonSchema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_PAGE_LIMIT,
  default: DEFAULT_PAGE_LIMIT,
  description: `Items per page, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT}).`,
};

/** `cursor`: the previous page's nextCursor, as returned. A value no page returned is 400 INVALID_CURSOR. */
export const cursorSchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 500,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The nextCursor of the previous page, as returned; omit for the first page.',
  'x-error-code': 'INVALID_CURSOR',
};

/** The querystring of a list route: `limit` and `cursor`, plus the route's own filters. Unknown parameters are refused. */
export function listQuerySchema(filters: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', additionalProperties: false, properties: { ...filters, limit: limitSchema, cursor: cursorSchema } };
}

/** The one list envelope: `{ "data": [item…], "nextCursor": string | null }`. */
export function listEnvelopeSchema(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'], description: 'Pass back as `cursor` for the next page; null on the last page.' },
    },
  };
}

/** A page as the envelope carries it. */
export interface Page<Item> {
  data: Item[];
  nextCursor: string | null;
}

/** `{ ...schema, type: [type, 'null'] }`: the same value or null. */
export const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type as string, 'null'] });
