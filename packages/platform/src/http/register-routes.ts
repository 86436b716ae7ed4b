import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { UnitOfWork, SqlExecutor } from '../sql/sql-executor';
import { assertCustomerScope, assertUnscoped } from './customer-scope';
import { idempotencyKeyOf, runIdempotent } from './idempotency';
import { openApiDocument, type OpenApiInfo } from './openapi';
import { kitValidatorCompiler } from './request-validation';
import type { AuthenticatedRequest, RouteResult, RouteSpec } from './route-spec';

export interface RouteHost<Tx extends SqlExecutor> {
  http: FastifyInstance;
  unitOfWork: UnitOfWork<Tx>;
}

export const OPENAPI_PATH = '/openapi.json';

/**
 * Puts the specs on the service's Fastify server — validation by the kit's validator (querystrings coerced), the
 * response serialised by the success schema, the caller's access asserted before the handler runs — and serves
 * GET /openapi.json (public) generated from the same specs. Returns the document.
 */
export function registerRoutes<Tx extends SqlExecutor>(host: RouteHost<Tx>, routes: readonly RouteSpec<Tx>[], info: OpenApiInfo): Record<string, unknown> {
  const document = openApiDocument(routes, info);
  host.http.get(OPENAPI_PATH, async () => document);

  for (const route of routes) {
    if (route.public && route.access !== 'any') throw new Error(`${route.operationId}: a public route has no principal to check, so its access must be 'any'`);
    const successStatus = route.schema.success.status;
    const options: RouteOptions = {
      method: route.method,
      url: route.url,
      validatorCompiler: kitValidatorCompiler,
      schema: {
        ...(route.schema.params ? { params: route.schema.params } : {}),
        ...(route.schema.querystring ? { querystring: route.schema.querystring } : {}),
        ...(route.schema.body && !route.rawBody ? { body: route.schema.body } : {}),
        response: { [successStatus]: route.schema.success.body },
      },
      // After validation (a malformed id is 400 first), before anything is read or written.
      preHandler: async (request) => {
        if (route.access === 'any') return;
        const principal = request.principal!;
        if (route.access === 'unscoped') assertUnscoped(principal, `call ${route.operationId}`);
        else assertCustomerScope(principal, route.access.customer(request as AuthenticatedRequest));
      },
      ...(route.rawBody ? { bodyLimit: route.rawBody.bodyLimit } : {}),
      handler: async (request, reply) => {
        const authenticated = request as AuthenticatedRequest;
        let fresh: RouteResult | undefined;
        let replayed = false;
        let answer: RouteResult;
        if (route.kind === 'read') {
          answer = await host.unitOfWork.transaction((tx) => route.execute(authenticated, tx));
        } else if (route.kind === 'idempotent-write') {
          const stored = await runIdempotent(
            host.unitOfWork,
            // The path is part of the request: one key for two different resources is a reuse.
            { principal: authenticated.principal.name, key: idempotencyKeyOf(request), route: `${route.method} ${pathOf(request)}`, body: request.body ?? null },
            async (tx) => {
              fresh = await route.execute(authenticated, tx);
              return { status: fresh.status ?? successStatus, body: fresh.body };
            },
          );
          replayed = stored.replayed;
          answer = replayed ? stored : { ...stored, ...(fresh?.headers ? { headers: fresh.headers } : {}) };
        } else {
          const handled = await route.handle(authenticated, reply);
          replayed = handled.replayed === true;
          answer = handled;
        }
        if (replayed) reply.header('idempotent-replayed', 'true');
        for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
        return reply.status(answer.status ?? successStatus).send(answer.body);
      },
    };
    if (!route.rawBody) {
      host.http.route(options);
      continue;
    }
    // Its own encapsulated scope: here, and only here, every body is kept as the Buffer it arrived as.
    const { bodyLimit } = route.rawBody;
    void host.http.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
      scope.route(options);
    });
  }
  return document;
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0]!;
