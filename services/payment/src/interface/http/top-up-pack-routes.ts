import { ApiError, idempotencyKeyOf, runIdempotent, type UnitOfWork } from '@billing/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UseCasesIn } from '../payment-use-cases';
import type { OpenApiRegistry } from './openapi';
import {
  changeTopUpPackBody,
  createTopUpPackBody,
  listTopUpPacksQuery,
  packCodeParams,
  topUpPackList,
  topUpPackView,
  type ChangeTopUpPackBody,
  type CreateTopUpPackBody,
  type ListTopUpPacksQuery,
} from './payment-schemas';

export interface TopUpPackRouteDeps {
  unitOfWork: UnitOfWork;
  /** On the idempotent request's transaction: the catalogue's writes commit with the stored response. */
  useCasesIn: UseCasesIn;
}

/** Prices belong to the platform: a token scoped to one customer may read the catalogue, never change it. */
function requirePlatformToken(request: FastifyRequest): void {
  if (request.principal!.customerId !== undefined) throw new ApiError(403, 'FORBIDDEN', 'top-up packs are managed with a token not scoped to a customer');
}

const writeResponses = (success: number, what: string) => ({
  [success]: { description: what, schema: topUpPackView },
  400: { description: 'invalid request (INVALID_TOP_UP_PACK, INVALID_AMOUNT, INVALID_CURRENCY, …) or missing Idempotency-Key' },
  401: { description: 'no valid service token' },
  403: { description: 'FORBIDDEN: the token is scoped to a customer' },
});

/** The top-up catalogue: create, list, change and deactivate packs. */
export function registerTopUpPackRoutes(app: FastifyInstance, openApi: OpenApiRegistry, deps: TopUpPackRouteDeps): void {
  const idempotent = (request: FastifyRequest, route: string) => ({ principal: request.principal!.name, key: idempotencyKeyOf(request), route, body: request.body ?? null });

  openApi.add({
    method: 'post',
    url: '/v1/top-up-packs',
    operationId: 'createTopUpPack',
    summary: 'Add a top-up pack to the catalogue: so many credits for a price per currency',
    idempotent: true,
    body: createTopUpPackBody,
    responses: { ...writeResponses(201, 'the pack (a replay returns the first response)'), 409: { description: 'TOP_UP_PACK_ALREADY_EXISTS' } },
  });
  app.post<{ Body: CreateTopUpPackBody }>('/v1/top-up-packs', { schema: { body: createTopUpPackBody } }, async (request, reply) => {
    requirePlatformToken(request);
    const result = await runIdempotent(deps.unitOfWork, idempotent(request, 'POST /v1/top-up-packs'), async (tx) => ({
      status: 201,
      body: await deps.useCasesIn(tx, request.messageContext).createTopUpPack.execute(request.body),
    }));
    return reply.status(result.status).send(result.body);
  });

  openApi.add({
    method: 'get',
    url: '/v1/top-up-packs',
    operationId: 'listTopUpPacks',
    summary: 'The top-up catalogue by code (packs on sale unless active=false)',
    querystring: listTopUpPacksQuery,
    responses: { 200: { description: 'a page of packs', schema: topUpPackList }, 401: { description: 'no valid service token' } },
  });
  app.get<{ Querystring: ListTopUpPacksQuery }>('/v1/top-up-packs', { schema: { querystring: listTopUpPacksQuery } }, async (request) =>
    deps.unitOfWork.transaction((tx) =>
      deps.useCasesIn(tx, request.messageContext).listTopUpPacks.execute({
        activeOnly: request.query.active !== 'false',
        limit: Number(request.query.limit ?? 50),
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor }),
      }),
    ),
  );

  openApi.add({
    method: 'patch',
    url: '/v1/top-up-packs/:code',
    operationId: 'changeTopUpPack',
    summary: 'New credits and/or prices for later top-ups; payments already opened keep theirs',
    idempotent: true,
    params: packCodeParams,
    body: changeTopUpPackBody,
    responses: { ...writeResponses(200, 'the pack'), 404: { description: 'TOP_UP_PACK_NOT_FOUND' }, 409: { description: 'TOP_UP_PACK_CONCURRENT_UPDATE: retry' } },
  });
  app.patch<{ Params: { code: string }; Body: ChangeTopUpPackBody }>(
    '/v1/top-up-packs/:code',
    { schema: { params: packCodeParams, body: changeTopUpPackBody } },
    async (request, reply) => {
      requirePlatformToken(request);
      const result = await runIdempotent(deps.unitOfWork, idempotent(request, `PATCH /v1/top-up-packs/${request.params.code}`), async (tx) => ({
        status: 200,
        body: await deps.useCasesIn(tx, request.messageContext).changeTopUpPack.execute({ code: request.params.code, ...request.body }),
      }));
      return reply.status(result.status).send(result.body);
    },
  );

  openApi.add({
    method: 'post',
    url: '/v1/top-up-packs/:code/deactivate',
    operationId: 'deactivateTopUpPack',
    summary: 'Stop selling a pack (it stays listed with active=false)',
    idempotent: true,
    params: packCodeParams,
    responses: { ...writeResponses(200, 'the pack'), 404: { description: 'TOP_UP_PACK_NOT_FOUND' }, 409: { description: 'TOP_UP_PACK_CONCURRENT_UPDATE: retry' } },
  });
  app.post<{ Params: { code: string } }>('/v1/top-up-packs/:code/deactivate', { schema: { params: packCodeParams } }, async (request, reply) => {
    requirePlatformToken(request);
    const result = await runIdempotent(deps.unitOfWork, idempotent(request, `POST /v1/top-up-packs/${request.params.code}/deactivate`), async (tx) => ({
      status: 200,
      body: await deps.useCasesIn(tx, request.messageContext).deactivateTopUpPack.execute({ code: request.params.code }),
    }));
    return reply.status(result.status).send(result.body);
  });
}
