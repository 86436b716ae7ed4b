import { assertCustomerScope, type GrpcCallContext, loadProto, runIdempotent, type ServiceTokens, type SqlExecutor, type UnitOfWork, unaryHandlers } from '@billing/platform';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { InvalidRequestError, requireIdempotencyKey } from '../../application/credit.errors';
import type { LedgerEntry } from '../../domain/ledger-entry';
import { grpcErrorStatus } from '../credit-error-status';
import type { CreditUseCases } from '../credit-use-cases';

const iso = (date: Date | null) => (date ? date.toISOString() : '');

/** A customer-scoped token acts only on its customer: PERMISSION_DENIED with error-code FORBIDDEN otherwise. */
const guard = (context: GrpcCallContext) => (customerId: string) => assertCustomerScope(context.principal, customerId);

const ledgerEntry = (entry: LedgerEntry) => ({
  entryId: entry.entryId,
  sequence: entry.sequence,
  type: entry.type,
  grantId: entry.grantId,
  reservationId: entry.reservationId ?? '',
  amount: entry.amount,
  balanceDelta: entry.balanceDelta,
  heldDelta: entry.heldDelta,
  occurredAt: iso(entry.occurredAt),
});

/** billing.credit.v1.CreditService over the use cases; a customer-scoped token acts only on its customer. */
interface Deps {
  useCases: CreditUseCases;
  tokens: ServiceTokens;
  logger: Logger;
  /** For writes whose response is stored with their idempotency key. */
  unitOfWork: UnitOfWork<SqlExecutor>;
}

export function registerCreditGrpc(server: grpc.Server, deps: Deps): void {
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const { useCases } = deps;
  const context = (call: GrpcCallContext) => ({ correlationId: call.correlationId, traceparent: call.traceparent });
  server.addService(
    proto.billing.credit.v1.CreditService.service,
    unaryHandlers(
      { tokens: deps.tokens, logger: deps.logger, errorStatus: grpcErrorStatus },
      {
        GetBalance: async (request, call) => {
          guard(call)(request.customerId);
          const balance = await useCases.balance.execute({ customerId: request.customerId });
          return {
            customerId: balance.customerId,
            balance: balance.balance,
            available: balance.available,
            held: balance.held,
            grants: balance.grants.map((grant) => ({
              grantId: grant.grantId,
              amount: grant.amount,
              remaining: grant.remaining,
              held: grant.held,
              expiresAt: iso(grant.expiresAt),
              sourceType: grant.source.type,
              sourceId: grant.source.id,
            })),
          };
        },
        Reserve: async (request, call) => {
          guard(call)(request.customerId);
          const { reservation, availableAfter } = await useCases.reserve.execute(
            { customerId: request.customerId, amount: request.amount, ttlSeconds: request.ttlSeconds, idempotencyKey: request.idempotencyKey },
            context(call),
          );
          return { reservationId: reservation.reservationId, customerId: request.customerId, amount: reservation.amount, status: reservation.status, expiresAt: iso(reservation.expiresAt), availableAfter };
        },
        Capture: async (request, call) => {
          const result = await useCases.capture.execute({ reservationId: request.reservationId, amount: request.amount, idempotencyKey: request.idempotencyKey }, context(call), guard(call));
          return { reservationId: result.reservationId, captured: result.captured, released: result.released };
        },
        Release: async (request, call) => {
          const result = await useCases.release.execute({ reservationId: request.reservationId, idempotencyKey: request.idempotencyKey }, context(call), guard(call));
          return { reservationId: result.reservationId, released: result.released };
        },
        SetLowBalanceThreshold: async (request, call) => {
          guard(call)(request.customerId);
          const key = requireIdempotencyKey(request.idempotencyKey);
          // proto3 has no null: 0, never a valid threshold, switches alerts off.
          const body = { customerId: request.customerId, threshold: request.threshold === 0 ? null : request.threshold };
          const response = await runIdempotent(deps.unitOfWork, { principal: call.principal.name, key, route: 'lowBalanceThreshold', body }, async (tx) => ({
            status: 200,
            body: await useCases.in(tx).setLowBalanceThreshold.execute(body, context(call)),
          }));
          const result = response.body as { customerId: string; lowBalanceThreshold: number | null; available: number };
          return { customerId: result.customerId, threshold: result.lowBalanceThreshold ?? 0, available: result.available };
        },
        ListLedger: async (request, call) => {
          guard(call)(request.customerId);
          // proto3: limit 0 is "not given"; the cursor is the last sequence of the previous page, as text.
          if (request.cursor !== '' && !/^[0-9]{1,15}$/.test(request.cursor)) throw new InvalidRequestError('cursor is not one this service returned');
          const page = await useCases.ledger.execute({ customerId: request.customerId, limit: request.limit || 100, afterSequence: request.cursor === '' ? 0 : Number(request.cursor) });
          return { entries: page.entries.map(ledgerEntry), nextCursor: page.nextAfterSequence === null ? '' : String(page.nextAfterSequence) };
        },
      },
    ),
  );
}
