import {
  assertCustomerScope,
  type AuthenticatedRequest,
  decodeCursor,
  defineRoute,
  encodeCursor,
  idempotencyKeyOf,
  type JsonSchema,
  listEnvelopeSchema,
  listQuerySchema,
  nullable,
  type RouteSpec,
} from '@billing/platform';
import type { GrantRecord, LedgerOrder } from '../../application/ports/credit-read-model.port';
import { MAX_REASON_LENGTH } from '../../application/reason';
import { MAX_HISTORY_POINTS, MIN_HISTORY_POINTS } from '../../application/queries/get-balance-history/get-balance-history.handler';
import type { BalanceView } from '../../domain/balance-view';
import { MAX_CREDIT_AMOUNT } from '../../domain/credit-amount.value-object';
import { GRANT_SOURCE_TYPES } from '../../domain/grant-source.value-object';
import type { LedgerEntry } from '../../domain/ledger-entry';
import { LEDGER_ENTRY_TYPES } from '../../domain/ledger-entry';
import type { ReservationState, ReservationStatus } from '../../domain/reservation.entity';
import type { CreditUseCases } from '../credit-use-cases';

// --- request schemas: the kit validates with them and documents them ---------------------------------------------------

const amount = { type: 'integer', minimum: 1, maximum: MAX_CREDIT_AMOUNT, description: 'Credits, 1 to 1,000,000,000.' };
const customerIdParam: JsonSchema = {
  type: 'object',
  required: ['customerId'],
  additionalProperties: false,
  properties: { customerId: { type: 'string', minLength: 1, maxLength: 128 } },
};
const grantIdParam: JsonSchema = {
  type: 'object',
  required: ['grantId'],
  additionalProperties: false,
  properties: { grantId: { type: 'string', format: 'uuid' } },
};
const reason = { type: 'string', minLength: 1, maxLength: MAX_REASON_LENGTH, description: 'Why, for the ledger and the console (1–500 characters).' };
const reservationIdParam: JsonSchema = {
  type: 'object',
  required: ['reservationId'],
  additionalProperties: false,
  properties: { reservationId: { type: 'string', format: 'uuid' } },
};

export const reserveBody: JsonSchema = {
  type: 'object',
  required: ['amount', 'ttlSeconds'],
  additionalProperties: false,
  properties: { amount, ttlSeconds: { type: 'integer', minimum: 1, maximum: 86_400 } },
};
export const grantBody: JsonSchema = {
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
    priority: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    reason,
  },
};
export const revokeBody: JsonSchema = { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } };
export const lowBalanceThresholdBody: JsonSchema = {
  type: 'object',
  required: ['threshold'],
  additionalProperties: false,
  properties: { threshold: { ...amount, type: ['integer', 'null'], description: 'Credits; null switches low-balance alerts off.' } },
};
export const captureBody: JsonSchema = { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount } };
export const refundBody: JsonSchema = { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount } };

// --- response schemas: answers are serialised by them and documented with them ----------------------------------------

const instant = { type: 'string', format: 'date-time' };
const count = { type: 'integer', minimum: 0 };
const object = (properties: Record<string, unknown>): JsonSchema => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });

const grantFields = {
  grantId: { type: 'string' },
  amount: count,
  remaining: count,
  held: count,
  expiresAt: nullable(instant),
  source: object({ type: { type: 'string', enum: [...GRANT_SOURCE_TYPES] }, id: { type: 'string' }, period: nullable(count) }),
  priority: { type: 'integer' },
  status: { type: 'string', enum: ['ACTIVE', 'EXPIRED', 'REVOKED'] },
};
const balanceSchema = object({
  accountId: { type: 'string' },
  customerId: { type: 'string' },
  balance: count,
  available: count,
  held: count,
  lowBalanceThreshold: nullable(count),
  grants: {
    type: 'array',
    description: 'Grants that still hold credits, in burn order (soonest expiry, then priority).',
    items: object(grantFields),
  },
});
const grantRecordSchema = object({
  ...grantFields,
  reason: nullable({ type: 'string' }),
  grantedBy: nullable({ type: 'string', description: 'The Billing-Actor that asked for the grant (e.g. console:alice); null when none was given.' }),
  grantedAt: instant,
  revokedAt: nullable(instant),
});
const revokedSchema = object({
  grantId: { type: 'string' },
  revoked: { ...count, description: 'Credits taken now: what was free of the grant. Credits a reservation holds stay capturable; what is released later is revoked then.' },
  status: { type: 'string', enum: ['REVOKED'] },
});
const balanceHistorySchema = object({
  data: { type: 'array', items: object({ at: instant, balance: { type: 'integer' } }), description: 'Oldest first; the last point is now.' },
});
const ledgerEntrySchema = object({
  entryId: { type: 'string' },
  sequence: { type: 'integer', minimum: 1 },
  type: {
    type: 'string',
    enum: [...LEDGER_ENTRY_TYPES],
    description: "An 'expire' with a reservationId and heldDelta < 0 is a hold that outlived its TTL; with balanceDelta < 0, credits of a grant that expired.",
  },
  grantId: { type: 'string' },
  reservationId: nullable({ type: 'string' }),
  amount: { type: 'integer', minimum: 1 },
  balanceDelta: { type: 'integer' },
  heldDelta: { type: 'integer' },
  occurredAt: instant,
  reason: nullable({ type: 'string' }),
  actor: nullable({ type: 'string', description: 'Who asked (the Billing-Actor header of the write); null when none was given.' }),
});
const reservationStatus = { type: 'string', enum: ['HELD', 'CAPTURED', 'RELEASED', 'EXPIRED'] };
const allocationsSchema = {
  type: 'array',
  description: 'The grants the hold is earmarked on, in burn order, and what was captured and refunded of each.',
  items: object({ grantId: { type: 'string' }, amount: count, captured: count, refunded: count }),
};
/** What the reservation read and the reserve answer share. */
const reservationFields = {
  reservationId: { type: 'string', format: 'uuid' },
  customerId: { type: 'string' },
  amount: count,
  status: reservationStatus,
  reservedAt: instant,
  expiresAt: instant,
};
const reservationSchema = object({
  ...reservationFields,
  resolvedAt: nullable(instant),
  allocations: allocationsSchema,
});
const reservedSchema = object({
  ...reservationFields,
  availableAfter: count,
  replayed: { type: 'boolean', description: 'true when the Idempotency-Key had already reserved this reservation.' },
});
const grantedSchema = object({ grantId: { type: 'string' }, created: { type: 'boolean', description: 'false when this source was already granted: nothing new.' } });
const thresholdSchema = object({ customerId: { type: 'string' }, lowBalanceThreshold: nullable(count), available: count });
const capturedSchema = object({
  reservationId: { type: 'string', format: 'uuid' },
  captured: count,
  released: count,
  replayed: { type: 'boolean', description: 'true when this capture had already been made under this Idempotency-Key.' },
});
const releasedSchema = object({
  reservationId: { type: 'string', format: 'uuid' },
  released: count,
  replayed: { type: 'boolean', description: 'true when this release had already been made under this Idempotency-Key.' },
});
const refundedSchema = object({ reservationId: { type: 'string', format: 'uuid' }, refunded: count });

// --- views: domain values → the documented JSON ---------------------------------------------------------------------

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

const balanceView = (balance: BalanceView) => ({
  accountId: balance.accountId,
  customerId: balance.customerId,
  balance: balance.balance,
  available: balance.available,
  held: balance.held,
  lowBalanceThreshold: balance.lowBalanceThreshold,
  grants: balance.grants.map((grant) => ({ ...grant, expiresAt: iso(grant.expiresAt), source: { ...grant.source } })),
});
const ledgerEntryView = (entry: LedgerEntry) => ({
  entryId: entry.entryId,
  sequence: entry.sequence,
  type: entry.type,
  grantId: entry.grantId,
  reservationId: entry.reservationId,
  amount: entry.amount,
  balanceDelta: entry.balanceDelta,
  heldDelta: entry.heldDelta,
  occurredAt: iso(entry.occurredAt),
  reason: entry.reason,
  actor: entry.actor,
});
const grantRecordView = (grant: GrantRecord) => ({
  ...grant,
  expiresAt: iso(grant.expiresAt),
  source: { ...grant.source },
  grantedAt: iso(grant.grantedAt),
  revokedAt: iso(grant.revokedAt),
});
const reservationView = (reservation: ReservationState & { customerId: string }) => ({
  reservationId: reservation.reservationId,
  customerId: reservation.customerId,
  amount: reservation.amount,
  status: reservation.status,
  reservedAt: iso(reservation.reservedAt),
  expiresAt: iso(reservation.expiresAt),
  resolvedAt: iso(reservation.resolvedAt),
  allocations: reservation.allocations.map(({ grantId, amount: held, captured, refunded }) => ({ grantId, amount: held, captured, refunded })),
});

/** The ledger's cursor: the last sequence of the page and the order it was read in, opaque to clients. */
const ledgerCursor = (afterSequence: number, order: LedgerOrder) => encodeCursor(order === 'asc' ? [afterSequence] : [afterSequence, order]);
/** A cursor names its order: one handed out for the other order is not one this list returned. */
const afterSequenceOf = (cursor: string | undefined, order: LedgerOrder) =>
  cursor === undefined
    ? 0
    : decodeCursor(cursor, ([sequence, cursorOrder = 'asc']) =>
        typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence > 0 && cursorOrder === order ? sequence : undefined,
      );
/** Newest-first lists page on (time, id) of the last item. */
const newestFirstCursor = (key: { at: Date; id: string } | null) => (key === null ? null : encodeCursor([key.at.toISOString(), key.id]));
const newestFirstKeyOf = (cursor: string | undefined) =>
  cursor === undefined
    ? undefined
    : decodeCursor(cursor, ([at, id]) =>
        typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/.test(id) ? { at: new Date(at), id } : undefined,
      );

type CustomerParams = { Params: { customerId: string } };
type ReservationParams = { Params: { reservationId: string } };
type GrantParams = { Params: { grantId: string } };
type ListQuery = { limit: number; cursor?: string };
const forCustomer = { customer: (request: AuthenticatedRequest<CustomerParams>) => request.params.customerId };

/**
 * Credit's REST operations as kit route specs. Reserve, capture and release run on the group-committed hot path (kind
 * custom): reserve's Idempotency-Key names the reservation and the reservation remembers the key that resolved it, so
 * replays are answered from the account itself. Grant, refund and the threshold store their response with the key.
 */
export function creditRoutes(useCases: CreditUseCases): RouteSpec[] {
  return [
    defineRoute<CustomerParams>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/accounts/:customerId/balance',
      operationId: 'getBalance',
      summary: 'Balance, available, held and live grants',
      tag: 'accounts',
      access: forCustomer,
      schema: { params: customerIdParam, success: { status: 200, body: balanceSchema }, errors: { 404: ['ACCOUNT_NOT_FOUND'] } },
      handle: async (request) => ({ body: balanceView(await useCases.balance.execute({ customerId: request.params.customerId })) }),
    }),
    defineRoute<CustomerParams & { Querystring: ListQuery & { order: LedgerOrder } }>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/accounts/:customerId/ledger',
      operationId: 'listLedger',
      summary: 'The append-only ledger, in sequence order (order=desc: newest first)',
      tag: 'accounts',
      access: forCustomer,
      schema: {
        params: customerIdParam,
        querystring: listQuerySchema({ order: { type: 'string', enum: ['asc', 'desc'], default: 'asc', description: 'asc: oldest first (default); desc: newest first.' } }),
        success: { status: 200, body: listEnvelopeSchema(ledgerEntrySchema) },
        errors: { 404: ['ACCOUNT_NOT_FOUND'] },
      },
      handle: async (request) => {
        const { order } = request.query;
        const page = await useCases.ledger.execute({ customerId: request.params.customerId, limit: request.query.limit, afterSequence: afterSequenceOf(request.query.cursor, order), order });
        return { body: { data: page.entries.map(ledgerEntryView), nextCursor: page.nextAfterSequence === null ? null : ledgerCursor(page.nextAfterSequence, order) } };
      },
    }),
    defineRoute<CustomerParams & { Querystring: { points: number } }>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/accounts/:customerId/balance-history',
      operationId: 'getBalanceHistory',
      summary: 'The balance over time from the ledger, at most `points` points, the last one now',
      tag: 'accounts',
      access: forCustomer,
      schema: {
        params: customerIdParam,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { points: { type: 'integer', minimum: MIN_HISTORY_POINTS, maximum: MAX_HISTORY_POINTS, default: 200 } },
        },
        success: { status: 200, body: balanceHistorySchema },
        errors: { 404: ['ACCOUNT_NOT_FOUND'] },
      },
      handle: async (request) => {
        const points = await useCases.balanceHistory.execute({ customerId: request.params.customerId, points: request.query.points });
        return { body: { data: points.map((point) => ({ at: iso(point.at), balance: point.balance })) } };
      },
    }),
    defineRoute<CustomerParams & { Querystring: ListQuery }>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/accounts/:customerId/grants',
      operationId: 'listGrants',
      summary: 'Every grant of the account (spent, expired and revoked ones too), newest first',
      tag: 'accounts',
      access: forCustomer,
      schema: { params: customerIdParam, querystring: listQuerySchema(), success: { status: 200, body: listEnvelopeSchema(grantRecordSchema) }, errors: { 404: ['ACCOUNT_NOT_FOUND'] } },
      handle: async (request) => {
        const before = newestFirstKeyOf(request.query.cursor);
        const page = await useCases.grants.execute({ customerId: request.params.customerId, limit: request.query.limit, ...(before ? { before } : {}) });
        return { body: { data: page.grants.map(grantRecordView), nextCursor: newestFirstCursor(page.next) } };
      },
    }),
    defineRoute<CustomerParams & { Querystring: ListQuery & { status?: ReservationStatus } }>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/accounts/:customerId/reservations',
      operationId: 'listReservations',
      summary: "The account's reservations, newest first, optionally of one status",
      tag: 'reservations',
      access: forCustomer,
      schema: {
        params: customerIdParam,
        querystring: listQuerySchema({ status: reservationStatus }),
        success: { status: 200, body: listEnvelopeSchema(reservationSchema) },
        errors: { 404: ['ACCOUNT_NOT_FOUND'] },
      },
      handle: async (request) => {
        const before = newestFirstKeyOf(request.query.cursor);
        const { status, limit } = request.query;
        const page = await useCases.reservations.execute({ customerId: request.params.customerId, limit, ...(status ? { status } : {}), ...(before ? { before } : {}) });
        return { body: { data: page.reservations.map(reservationView), nextCursor: newestFirstCursor(page.next) } };
      },
    }),
    defineRoute<CustomerParams & { Body: { amount: number; ttlSeconds: number } }>({
      kind: 'custom',
      idempotent: true,
      method: 'POST',
      url: '/v1/accounts/:customerId/reservations',
      operationId: 'reserveCredits',
      summary: 'Hold credits; the Idempotency-Key names the reservation',
      tag: 'reservations',
      access: forCustomer,
      schema: {
        params: customerIdParam,
        body: reserveBody,
        success: { status: 201, body: reservedSchema, description: 'The hold (the same one again for a replayed key).' },
        errors: { 400: ['INVALID_AMOUNT', 'INVALID_TTL'], 404: ['ACCOUNT_NOT_FOUND'], 409: ['INSUFFICIENT_CREDITS'] },
      },
      handle: async (request) => {
        const { customerId } = request.params;
        const { reservation, replayed, availableAfter } = await useCases.reserve.execute(
          { customerId, amount: request.body.amount, ttlSeconds: request.body.ttlSeconds, idempotencyKey: idempotencyKeyOf(request) },
          request.messageContext,
        );
        const body = {
          reservationId: reservation.reservationId,
          customerId,
          amount: reservation.amount,
          status: reservation.status,
          reservedAt: iso(reservation.reservedAt),
          expiresAt: iso(reservation.expiresAt),
          availableAfter,
          replayed,
        };
        return { body, replayed };
      },
    }),
    defineRoute<CustomerParams & { Body: { amount: number; source: { type: string; id: string }; expiresAt?: string; priority?: number; reason?: string } }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/accounts/:customerId/grants',
      operationId: 'grantCredits',
      summary: 'Grant credits by hand (MANUAL or PROMOTION); one grant per source on each account',
      description:
        'Hands out credits, so only a token not scoped to a customer may (a scoped token is 403 FORBIDDEN, even for its own account). The Billing-Actor header is recorded as grantedBy, `reason` on the ledger entry.',
      tag: 'accounts',
      access: 'unscoped',
      schema: {
        params: customerIdParam,
        body: grantBody,
        success: { status: 201, body: grantedSchema, description: 'The grant; created false when the source was already granted (nothing new).' },
        errors: { 400: ['INVALID_AMOUNT', 'INVALID_GRANT_SOURCE'], 422: ['GRANT_ALREADY_EXISTS'] },
      },
      execute: async (request, tx) => {
        const { grantId, created } = await useCases.in(tx).grant.execute({ customerId: request.params.customerId, ...request.body }, request.messageContext);
        return { body: { grantId, created } };
      },
    }),
    defineRoute<GrantParams & { Body: { reason: string } }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/grants/:grantId/revoke',
      operationId: 'revokeGrant',
      summary: 'Take back what is still free of a grant',
      description:
        'Revokes the unspent, unheld credits of the grant now (ledger entry `revoke` with the reason and the Billing-Actor; CreditsRevoked). Credits a reservation holds stay with it: a capture still spends them, and whatever of them is released or expires later is revoked then. Only a token not scoped to a customer may revoke.',
      tag: 'accounts',
      access: 'unscoped',
      schema: {
        params: grantIdParam,
        body: revokeBody,
        success: { status: 200, body: revokedSchema },
        errors: { 404: ['GRANT_NOT_FOUND'], 409: ['GRANT_ALREADY_REVOKED'] },
      },
      execute: async (request, tx) => {
        const { grantId, revoked } = await useCases.in(tx).revokeGrant.execute({ grantId: request.params.grantId, reason: request.body.reason }, request.messageContext);
        return { body: { grantId, revoked, status: 'REVOKED' } };
      },
    }),
    defineRoute<CustomerParams & { Body: { threshold: number | null } }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/accounts/:customerId/low-balance-threshold',
      operationId: 'setLowBalanceThreshold',
      summary:
        'Set the low-balance threshold (absolute credits; null switches alerts off): CreditBalanceLow once per drop below it, CreditBalanceRecovered once back above',
      tag: 'accounts',
      access: forCustomer,
      schema: { params: customerIdParam, body: lowBalanceThresholdBody, success: { status: 200, body: thresholdSchema }, errors: { 400: ['INVALID_AMOUNT'], 404: ['ACCOUNT_NOT_FOUND'] } },
      execute: async (request, tx) => ({
        body: await useCases.in(tx).setLowBalanceThreshold.execute({ customerId: request.params.customerId, threshold: request.body.threshold }, request.messageContext),
      }),
    }),
    defineRoute<ReservationParams>({
      kind: 'custom',
      idempotent: false,
      method: 'GET',
      url: '/v1/reservations/:reservationId',
      operationId: 'getReservation',
      summary: 'A reservation and the grants it holds',
      tag: 'reservations',
      access: 'any',
      schema: { params: reservationIdParam, success: { status: 200, body: reservationSchema }, errors: { 403: ['FORBIDDEN'], 404: ['RESERVATION_NOT_FOUND'] } },
      handle: async (request) => ({
        body: reservationView(await useCases.reservation.execute({ reservationId: request.params.reservationId }, (customerId) => assertCustomerScope(request.principal, customerId))),
      }),
    }),
    defineRoute<ReservationParams & { Body: { amount: number } }>({
      kind: 'custom',
      idempotent: true,
      method: 'POST',
      url: '/v1/reservations/:reservationId/capture',
      operationId: 'captureReservation',
      summary: 'Capture what was used (≤ held); the rest is released',
      description:
        'The reservation remembers the Idempotency-Key that resolved it: the same capture under it answers the first result; a capture or release under another key is 409 RESERVATION_ALREADY_RESOLVED, or RESERVATION_EXPIRED once the hold has expired.',
      tag: 'reservations',
      access: 'any',
      schema: {
        params: reservationIdParam,
        body: captureBody,
        success: { status: 200, body: capturedSchema },
        errors: { 400: ['INVALID_AMOUNT'], 403: ['FORBIDDEN'], 404: ['RESERVATION_NOT_FOUND'], 409: ['RESERVATION_ALREADY_RESOLVED', 'RESERVATION_EXPIRED'], 422: ['CAPTURE_EXCEEDS_HOLD'] },
      },
      handle: async (request) => {
        const { reservationId, captured, released, replayed } = await useCases.capture.execute(
          { reservationId: request.params.reservationId, amount: request.body.amount, idempotencyKey: idempotencyKeyOf(request) },
          request.messageContext,
          (customerId) => assertCustomerScope(request.principal, customerId),
        );
        return { body: { reservationId, captured, released, replayed }, replayed };
      },
    }),
    defineRoute<ReservationParams>({
      kind: 'custom',
      idempotent: true,
      method: 'POST',
      url: '/v1/reservations/:reservationId/release',
      operationId: 'releaseReservation',
      summary: 'Release the whole hold',
      description:
        'The reservation remembers the Idempotency-Key that resolved it: the same release under it answers the first result; a capture or release under another key is 409 RESERVATION_ALREADY_RESOLVED, or RESERVATION_EXPIRED once the hold has expired.',
      tag: 'reservations',
      access: 'any',
      schema: {
        params: reservationIdParam,
        success: { status: 200, body: releasedSchema },
        errors: { 403: ['FORBIDDEN'], 404: ['RESERVATION_NOT_FOUND'], 409: ['RESERVATION_ALREADY_RESOLVED', 'RESERVATION_EXPIRED'] },
      },
      handle: async (request) => {
        const { reservationId, released, replayed } = await useCases.release.execute(
          { reservationId: request.params.reservationId, idempotencyKey: idempotencyKeyOf(request) },
          request.messageContext,
          (customerId) => assertCustomerScope(request.principal, customerId),
        );
        return { body: { reservationId, released, replayed }, replayed };
      },
    }),
    defineRoute<ReservationParams & { Body: { amount: number } }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/reservations/:reservationId/refund',
      operationId: 'refundCapture',
      summary: 'Give captured credits back',
      tag: 'reservations',
      access: 'any',
      schema: {
        params: reservationIdParam,
        body: refundBody,
        success: { status: 200, body: refundedSchema },
        errors: { 400: ['INVALID_AMOUNT'], 403: ['FORBIDDEN'], 404: ['RESERVATION_NOT_FOUND'], 422: ['RESERVATION_NOT_CAPTURED', 'REFUND_EXCEEDS_CAPTURED'] },
      },
      execute: async (request, tx) => {
        const { reservationId, refunded } = await useCases
          .in(tx)
          .refund.execute({ reservationId: request.params.reservationId, amount: request.body.amount }, request.messageContext, (customerId) =>
            assertCustomerScope(request.principal, customerId),
          );
        return { body: { reservationId, refunded } };
      },
    }),
  ];
}
