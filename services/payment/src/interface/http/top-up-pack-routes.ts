import { decodeCursor, defineRoute, encodeCursor, type MikroOrmExecutor, type RouteSpec } from '@billing/platform';
import type { UseCasesIn } from '../payment-use-cases';
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

const tag = 'top-up packs';
const invalidTerms = ['INVALID_TOP_UP_PACK', 'INVALID_AMOUNT', 'INVALID_CURRENCY'];

/**
 * The top-up catalogue: create, list, change and deactivate packs. Prices belong to the platform: a token scoped to
 * one customer may read the catalogue, never change it (403 FORBIDDEN before anything is read or written).
 */
export function topUpPackRoutes(useCasesIn: UseCasesIn): RouteSpec<MikroOrmExecutor>[] {
  return [
    defineRoute<{ Body: CreateTopUpPackBody }, MikroOrmExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/top-up-packs',
      operationId: 'createTopUpPack',
      summary: 'Add a top-up pack to the catalogue: so many credits for a price per currency',
      tag,
      access: 'unscoped',
      schema: {
        body: createTopUpPackBody,
        success: { status: 201, body: topUpPackView, description: 'The pack.' },
        errors: { 400: invalidTerms, 409: ['TOP_UP_PACK_ALREADY_EXISTS'] },
      },
      execute: async (request, tx) => ({ body: await useCasesIn(tx, request.messageContext).createTopUpPack.execute(request.body) }),
    }),

    defineRoute<{ Querystring: ListTopUpPacksQuery }, MikroOrmExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/top-up-packs',
      operationId: 'listTopUpPacks',
      summary: 'The top-up catalogue by code (packs on sale unless active=false)',
      tag,
      access: 'any',
      schema: { querystring: listTopUpPacksQuery, success: { status: 200, body: topUpPackList, description: 'A page of packs.' } },
      execute: async (request, tx) => {
        const { active, limit, cursor } = request.query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, ([code]) => (typeof code === 'string' ? code : undefined));
        const page = await useCasesIn(tx, request.messageContext).listTopUpPacks.execute({ activeOnly: active, limit, ...(after === undefined ? {} : { cursor: after }) });
        return { body: { data: page.data, nextCursor: page.nextCursor === null ? null : encodeCursor([page.nextCursor]) } };
      },
    }),

    defineRoute<{ Params: { code: string }; Body: ChangeTopUpPackBody }, MikroOrmExecutor>({
      kind: 'idempotent-write',
      method: 'PATCH',
      url: '/v1/top-up-packs/:code',
      operationId: 'changeTopUpPack',
      summary: 'New credits and/or prices for later top-ups; payments already opened keep theirs',
      tag,
      access: 'unscoped',
      schema: {
        params: packCodeParams,
        body: changeTopUpPackBody,
        success: { status: 200, body: topUpPackView, description: 'The pack.' },
        errors: { 400: invalidTerms, 404: ['TOP_UP_PACK_NOT_FOUND'], 409: ['TOP_UP_PACK_CONCURRENT_UPDATE'] },
      },
      execute: async (request, tx) => ({ body: await useCasesIn(tx, request.messageContext).changeTopUpPack.execute({ code: request.params.code, ...request.body }) }),
    }),

    defineRoute<{ Params: { code: string } }, MikroOrmExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/top-up-packs/:code/deactivate',
      operationId: 'deactivateTopUpPack',
      summary: 'Stop selling a pack (it stays listed with active=false)',
      tag,
      access: 'unscoped',
      schema: {
        params: packCodeParams,
        success: { status: 200, body: topUpPackView, description: 'The pack.' },
        errors: { 404: ['TOP_UP_PACK_NOT_FOUND'], 409: ['TOP_UP_PACK_CONCURRENT_UPDATE'] },
      },
      execute: async (request, tx) => ({ body: await useCasesIn(tx, request.messageContext).deactivateTopUpPack.execute({ code: request.params.code }) }),
    }),
  ];
}
