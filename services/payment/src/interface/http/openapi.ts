import type { FastifyInstance } from 'fastify';
import { errorBody, type JsonSchema } from './payment-schemas';

export interface RouteDocument {
  method: 'get' | 'post' | 'patch';
  /** Fastify form (`/v1/payments/:paymentId`); written as OpenAPI `{paymentId}`. */
  url: string;
  summary: string;
  operationId: string;
  /** Writes require an Idempotency-Key header. */
  idempotent?: boolean;
  /** Authenticated by other means than the service token (Stripe webhooks: the signature). */
  security?: 'service-token' | 'stripe-signature';
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** Raw body (not JSON-validated), e.g. a webhook whose signature covers the exact bytes. */
  rawBody?: { contentType: string; description: string };
  responses: Record<number, { description: string; schema?: JsonSchema }>;
}

/** Collects the documents of the routes as they are registered and serves them as one OpenAPI 3.1 document. */
export class OpenApiRegistry {
  private readonly routes: RouteDocument[] = [];

  add(route: RouteDocument): void {
    this.routes.push(route);
  }

  document(info: { title: string; version: string; description: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const parameters = [
        ...propertiesOf(route.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
        ...propertiesOf(route.querystring).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
        ...(route.idempotent
          ? [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'a replay returns the first response; another body under the same key is 422' }]
          : []),
        ...(route.security === 'stripe-signature' ? [{ name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' } }] : []),
      ];
      const requestBody = route.body
        ? { required: true, content: { 'application/json': { schema: route.body } } }
        : route.rawBody
          ? { required: true, description: route.rawBody.description, content: { [route.rawBody.contentType]: { schema: { type: 'object' } } } }
          : undefined;
      paths[path] ??= {};
      paths[path][route.method] = {
        operationId: route.operationId,
        summary: route.summary,
        security: route.security === 'stripe-signature' ? [] : [{ serviceToken: [] }],
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses: Object.fromEntries(
          Object.entries(route.responses).map(([status, response]) => [
            status,
            {
              description: response.description,
              content: { 'application/json': { schema: response.schema ?? (Number(status) >= 400 ? errorBody : { type: 'object' }) } },
            },
          ]),
        ),
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: { securitySchemes: { serviceToken: { type: 'http', scheme: 'bearer', description: 'a service token from SERVICE_TOKENS' } } },
      paths,
    };
  }

  /** GET /openapi.json (public). */
  serve(app: FastifyInstance, info: { title: string; version: string; description: string }): void {
    app.get('/openapi.json', async () => this.document(info));
  }
}

function propertiesOf(schema: JsonSchema | undefined): [string, unknown][] {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  return properties ? Object.entries(properties) : [];
}
