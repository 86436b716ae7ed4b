import { errorBodySchema, type JsonSchema } from './json-schema';
import { isIdempotent, type RouteSpec } from './route-spec';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export const OPENAPI_VERSION = '3.1.0';

const pathOf = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: JsonSchema | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description: 'Required on every write, 1 to 255 printable ASCII characters: a replay returns the first response (with Idempotent-Replayed: true); another request under the same key is 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const add = (statuses: Map<number, Set<string>>, status: number, ...codes: string[]) => {
  const set = statuses.get(status) ?? new Set<string>();
  for (const code of codes) set.add(code);
  statuses.set(status, set);
};

/** Every error status the operation may answer, its own and what the kit and the server answer for it. */
export function errorStatusesOf(route: RouteSpec<any>): Map<number, Set<string>> {
  const statuses = new Map<number, Set<string>>();
  for (const [status, codes] of Object.entries(route.schema.errors ?? {})) add(statuses, Number(status), ...codes);
  if (route.schema.params || route.schema.querystring || route.schema.body) add(statuses, 400, 'INVALID_REQUEST', 'INVALID_TEXT');
  if (route.schema.querystring && ((route.schema.querystring.properties ?? {}) as Record<string, unknown>).cursor) add(statuses, 400, 'INVALID_CURSOR');
  if (!route.public) add(statuses, 401, 'UNAUTHENTICATED');
  if (route.access !== 'any') add(statuses, 403, 'FORBIDDEN');
  if (route.schema.body) add(statuses, 400, 'INVALID_JSON');
  if (route.schema.body && !route.rawBody) add(statuses, 415, 'UNSUPPORTED_MEDIA_TYPE');
  if (route.schema.body || route.rawBody) add(statuses, 413, 'PAYLOAD_TOO_LARGE');
  if (isIdempotent(route)) {
    add(statuses, 400, 'IDEMPOTENCY_KEY_REQUIRED', 'INVALID_IDEMPOTENCY_KEY');
    add(statuses, 409, 'IDEMPOTENCY_KEY_IN_PROGRESS');
    add(statuses, 422, 'IDEMPOTENCY_KEY_REUSED');
  }
  add(statuses, 503, 'DATABASE_UNAVAILABLE');
  return new Map([...statuses].sort(([a], [b]) => a - b));
}

const accessNote = (route: RouteSpec<any>): string | undefined =>
  route.access === 'unscoped'
    ? 'Only a token not scoped to a customer may call this (403 FORBIDDEN otherwise).'
    : typeof route.access === 'object'
      ? "A token scoped to a customer may call this for that customer only (403 FORBIDDEN for another's)."
      : undefined;

/**
 * The OpenAPI 3.1 document (whose schemas are JSON Schema) built from the very schema objects the routes validate and
 * serialise with: the one generator of every service's /openapi.json. Every operation lists its success response
 * with its schema and each error status with the one error body.
 */
export function openApiDocument(routes: readonly RouteSpec<any>[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const errors: Record<string, unknown> = {};
    for (const [status, codes] of errorStatusesOf(route)) {
      errors[status] = { description: [...codes].join(', '), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const description = [route.description, accessNote(route)].filter(Boolean).join('\n\n');
    (paths[pathOf(route.url)] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(description ? { description } : {}),
      tags: [route.tag],
      parameters: [
        ...parameters(route.schema.params, 'path'),
        ...parameters(route.schema.querystring, 'query'),
        ...(isIdempotent(route) ? [idempotencyKeyParameter] : []),
      ],
      ...(route.public ? { security: [] } : {}),
      ...(route.rawBody
        ? { requestBody: { required: true, description: route.rawBody.description, content: { 'application/json': { schema: route.schema.body ?? {} } } } }
        : route.schema.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: route.schema.body } } } }
          : {}),
      responses: {
        [route.schema.success.status]: {
          description: route.schema.success.description ?? 'success',
          ...(isIdempotent(route)
            ? { headers: { 'Idempotent-Replayed': { description: '"true" on the stored response of an earlier request with the same key.', schema: { type: 'string', enum: ['true'] } } } }
            : {}),
          content: { 'application/json': { schema: route.schema.success.body } },
        },
        ...errors,
      },
    };
  }
  return {
    openapi: OPENAPI_VERSION,
    info,
    servers: [{ url: '/' }],
    security: [{ serviceToken: [] }],
    paths,
    components: {
      securitySchemes: { serviceToken: { type: 'http', scheme: 'bearer', description: 'A service token from SERVICE_TOKENS (name:token[:customerId]).' } },
      schemas: { Error: errorBodySchema },
    },
  };
}
