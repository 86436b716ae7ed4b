import type { RouteSpec } from './route-spec';
import { errorBody, type JsonSchema } from './schemas';

const pathOf = (url: string): string => url.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(schema: JsonSchema | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description: 'Required on every write: a replay returns the first response; another body under the same key is 422.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/** OpenAPI 3.1 (whose schemas are JSON Schema) built from the very schema objects the routes validate with. */
export function openApiDocument(routes: readonly RouteSpec[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const errors: Record<string, unknown> = {};
    const statuses: Record<number, string[]> = { ...route.schema.errors, 401: ['UNAUTHENTICATED'] };
    if (route.write) {
      statuses[400] = [...(statuses[400] ?? []), 'IDEMPOTENCY_KEY_REQUIRED'];
      statuses[409] = [...(statuses[409] ?? []), 'IDEMPOTENCY_KEY_IN_PROGRESS'];
      statuses[422] = [...(statuses[422] ?? []), 'IDEMPOTENCY_KEY_REUSED'];
    }
    for (const [status, codes] of Object.entries(statuses)) {
      errors[status] = { description: codes.join(', '), content: { 'application/json': { schema: errorBody } } };
    }
    (paths[pathOf(route.url)] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: [
        ...parameters(route.schema.params, 'path'),
        ...parameters(route.schema.querystring, 'query'),
        ...(route.write ? [idempotencyKey] : []),
      ],
      ...(route.schema.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.schema.body } } } }
        : {}),
      responses: {
        [route.schema.success.status]: {
          description: 'success',
          content: { 'application/json': { schema: route.schema.success.body } },
        },
        ...errors,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    security: [{ serviceToken: [] }],
    components: { securitySchemes: { serviceToken: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
