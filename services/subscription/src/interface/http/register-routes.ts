import { idempotencyKeyOf, runIdempotent, type ServiceRuntime } from '@billing/platform';
import { openApiDocument } from './openapi';
import type { RouteSpec } from './route-spec';

/** Registers the operations on the runtime's Fastify server, plus GET /openapi.json generated from the same specs. */
export function registerRoutes(runtime: ServiceRuntime, routes: readonly RouteSpec[]): void {
  const document = openApiDocument(routes, { title: 'Billing subscription service', version: '1.0.0' });
  runtime.http.get('/openapi.json', async () => document);

  for (const route of routes) {
    runtime.http.route({
      method: route.method,
      url: route.url,
      schema: {
        ...(route.schema.params ? { params: route.schema.params } : {}),
        ...(route.schema.querystring ? { querystring: route.schema.querystring } : {}),
        ...(route.schema.body ? { body: route.schema.body } : {}),
        response: { [route.schema.success.status]: route.schema.success.body },
      },
      handler: async (request, reply) => {
        if (!route.write) {
          const result = await runtime.unitOfWork.transaction((tx) => route.execute(request, tx));
          return reply.status(result.status).send(result.body);
        }
        const key = idempotencyKeyOf(request);
        const result = await runIdempotent(
          runtime.unitOfWork,
          // The path is part of the request: one key for two different subscriptions is a reuse.
          { principal: request.principal!.name, key, route: `${route.method} ${request.url.split('?')[0]}`, body: request.body ?? null },
          (tx) => route.execute(request, tx),
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.status).send(result.body);
      },
    });
  }
}
