import { canActFor, idempotencyKeyOf, runIdempotent, type SqlExecutor, type UnitOfWork } from '@billing/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../application/credit.errors';
import { MAX_CREDIT_AMOUNT } from '../../domain/credit-amount.value-object';
import type { CreditUseCases } from '../credit-use-cases';

const amount = { type: 'integer', minimum: 1, maximum: MAX_CREDIT_AMOUNT };
const customerIdParam = { type: 'object', required: ['customerId'], additionalProperties: false, properties: { customerId: { type: 'string', minLength: 1, maxLength: 128 } } };
const reservationIdParam = { type: 'object', required: ['reservationId'], additionalProperties: false, properties: { reservationId: { type: 'string', format: 'uuid' } } };

/** Route schemas: Fastify validates with them and /openapi.json is built from them, so the two cannot drift. */
export const creditRoutes = {
  balance: { method: 'GET', url: '/v1/accounts/:customerId/balance', summary: 'Balance, available, held and live grants', schema: { params: customerIdParam } },
  ledger: {
    method: 'GET',
    url: '/v1/accounts/:customerId/ledger',
    summary: 'The append-only ledger, in sequence order',
    schema: {
      params: customerIdParam,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500 }, cursor: { type: 'string', pattern: '^[0-9]{1,15}$' } } },
    },
  },
  reserve: {
    method: 'POST',
    url: '/v1/accounts/:customerId/reservations',
    summary: 'Hold credits; the Idempotency-Key names the reservation',
    schema: {
      params: customerIdParam,
      body: { type: 'object', required: ['amount', 'ttlSeconds'], additionalProperties: false, properties: { amount, ttlSeconds: { type: 'integer', minimum: 1, maximum: 86400 } } },
    },
  },
  grant: {
    method: 'POST',
    url: '/v1/accounts/:customerId/grants',
    summary: 'Grant credits by hand (MANUAL or PROMOTION); one grant per source on each account',
    schema: {
      params: customerIdParam,
      body: {
        type: 'object',
        required: ['amount', 'source'],
        additionalProperties: false,
        properties: {
          amount,
          source: {
            type: 'object',
            required: ['type', 'id'],
            additionalProperties: false,
            properties: { type: { type: 'string', enum: ['MANUAL', 'PROMOTION'] }, id: { type: 'string', minLength: 1, maxLength: 128 } },
          },
          expiresAt: { type: 'string', format: 'date-time' },
          priority: { type: 'integer', minimum: 0, maximum: 1000000 },
        },
      },
    },
  },
  lowBalanceThreshold: {
    method: 'POST',
    url: '/v1/accounts/:customerId/low-balance-threshold',
    summary: 'Set the low-balance threshold (absolute credits; null switches alerts off): CreditBalanceLow once per drop below it, CreditBalanceRecovered once back above',
    schema: {
      params: customerIdParam,
      body: { type: 'object', required: ['threshold'], additionalProperties: false, properties: { threshold: { ...amount, type: ['integer', 'null'] } } },
    },
  },
  reservation: { method: 'GET', url: '/v1/reservations/:reservationId', summary: 'A reservation and the grants it holds', schema: { params: reservationIdParam } },
  capture: {
    method: 'POST',
    url: '/v1/reservations/:reservationId/capture',
    summary: 'Capture what was used (≤ held); the rest is released',
    schema: { params: reservationIdParam, body: { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount } } },
  },
  release: { method: 'POST', url: '/v1/reservations/:reservationId/release', summary: 'Release the whole hold', schema: { params: reservationIdParam } },
  refund: {
    method: 'POST',
    url: '/v1/reservations/:reservationId/refund',
    summary: 'Give captured credits back',
    schema: { params: reservationIdParam, body: { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount } } },
  },
} as const;

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of Object.values(creditRoutes)) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const schema = route.schema as { params?: { properties: Record<string, unknown> }; querystring?: { properties: Record<string, unknown> }; body?: unknown };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      security: [{ serviceToken: [] }],
      parameters: [
        ...Object.entries(schema.params?.properties ?? {}).map(([name, s]) => ({ name, in: 'path', required: true, schema: s })),
        ...Object.entries(schema.querystring?.properties ?? {}).map(([name, s]) => ({ name, in: 'query', schema: s })),
        ...(route.method === 'POST' ? [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 255 } }] : []),
      ],
      ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } } : {}),
      responses: { '200': { description: 'OK' }, '4XX': { description: '{ error: { code, message, details } }' } },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Credit service', version: '1.0.0', description: 'Prepaid credit accounts, reservations and the ledger. gRPC: proto/billing/credit/v1/credit.proto' },
    components: { securitySchemes: { serviceToken: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

interface Deps {
  useCases: CreditUseCases;
  /** For writes whose response is stored with their Idempotency-Key. */
  unitOfWork: UnitOfWork<SqlExecutor>;
}

export function registerCreditRoutes(app: FastifyInstance, deps: Deps): void {
  const { useCases } = deps;
  const guard = (request: FastifyRequest) => (customerId: string) => {
    if (!canActFor(request.principal!, customerId)) throw new ForbiddenError();
  };
  const context = (request: FastifyRequest) => request.messageContext;
  // Fastify has validated params, query and body against the route's schema before the handler runs.
  type Request = FastifyRequest & { params: { customerId: string; reservationId: string }; body: any; query: any };
  const route = (name: keyof typeof creditRoutes, handler: (request: Request, reply: FastifyReply) => Promise<unknown>) => {
    const { method, url, schema } = creditRoutes[name];
    app.route({ method, url, schema, handler: (request, reply) => handler(request as Request, reply) });
  };
  const iso = (date: Date | null) => (date ? date.toISOString() : null);

  route('balance', async (request) => {
    guard(request)(request.params.customerId);
    return useCases.balance.execute({ customerId: request.params.customerId });
  });
  route('ledger', async (request) => {
    guard(request)(request.params.customerId);
    return useCases.ledger.execute({ customerId: request.params.customerId, limit: request.query.limit, cursor: request.query.cursor });
  });
  route('reserve', async (request) => {
    guard(request)(request.params.customerId);
    const key = idempotencyKeyOf(request);
    const { reservation, replayed } = await useCases.reserve.execute(
      { customerId: request.params.customerId, amount: request.body.amount, ttlSeconds: request.body.ttlSeconds, idempotencyKey: key },
      context(request),
    );
    return { ...reservation, reservedAt: iso(reservation.reservedAt), expiresAt: iso(reservation.expiresAt), replayed };
  });
  route('reservation', async (request) => useCases.reservation.execute({ reservationId: request.params.reservationId }, guard(request)));
  // The reservation remembers the key that resolved it (the hot path stays group-committed): the same request under it
  // answers the first outcome, another key finds the reservation resolved.
  route('capture', async (request) => {
    const idempotencyKey = idempotencyKeyOf(request);
    return useCases.capture.execute({ reservationId: request.params.reservationId, amount: request.body.amount, idempotencyKey }, context(request), guard(request));
  });
  route('release', async (request) => {
    const idempotencyKey = idempotencyKeyOf(request);
    return useCases.release.execute({ reservationId: request.params.reservationId, idempotencyKey }, context(request), guard(request));
  });
  route('refund', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    const response = await runIdempotent(deps.unitOfWork, { principal: request.principal!.name, key, route: 'refund', body: { ...request.params, ...request.body } }, async (tx) => {
      return { status: 200, body: await useCases.in(tx).refund.execute({ reservationId: request.params.reservationId, amount: request.body.amount }, context(request), guard(request)) };
    });
    return reply.status(response.status).send(response.body);
  });
  route('grant', async (request, reply) => {
    guard(request)(request.params.customerId);
    const key = idempotencyKeyOf(request);
    const response = await runIdempotent(deps.unitOfWork, { principal: request.principal!.name, key, route: 'grant', body: { ...request.params, ...request.body } }, async (tx) => {
      const result = await useCases.in(tx).grant.execute({ customerId: request.params.customerId, ...request.body }, context(request));
      return { status: result.created ? 201 : 200, body: result };
    });
    return reply.status(response.status).send(response.body);
  });
  route('lowBalanceThreshold', async (request, reply) => {
    guard(request)(request.params.customerId);
    const key = idempotencyKeyOf(request);
    const body = { customerId: request.params.customerId, threshold: request.body.threshold as number | null };
    const response = await runIdempotent(deps.unitOfWork, { principal: request.principal!.name, key, route: 'lowBalanceThreshold', body }, async (tx) => ({
      status: 200,
      body: await useCases.in(tx).setLowBalanceThreshold.execute(body, context(request)),
    }));
    return reply.status(response.status).send(response.body);
  });
  app.get('/openapi.json', async () => openApiDocument());
}
