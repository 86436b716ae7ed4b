import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from '../grpc/connection';
import { serviceClientConstructor } from '../grpc/proto-files';
import { type CallOptions, type Timing, UnaryCaller } from '../grpc/unary-caller';
import type { Balance, CaptureRequest, CaptureResult, ReleaseRequest, ReleaseResult, Reservation, ReserveRequest } from './credit-types';
import { type WithCreditsOptions, type WithCreditsResult, type Work, withCreditsOn } from './with-credits';

export const defaultTtlSeconds = 60;

export interface CreditClient {
  getBalance(customerId: string, options?: CallOptions): Promise<Balance>;
  reserve(request: ReserveRequest, options?: CallOptions): Promise<Reservation>;
  capture(request: CaptureRequest, options?: CallOptions): Promise<CaptureResult>;
  release(request: ReleaseRequest, options?: CallOptions): Promise<ReleaseResult>;
  /**
   * Reserves `estimate`, runs `work`, captures what it says it used (capped at the estimate) and releases the rest;
   * releases everything when it throws. Its three idempotency keys derive from `options.operationId`: the same
   * operation retried is charged once. A process that dies inside `work` leaves the hold to lapse at its TTL.
   */
  withCredits<T = undefined>(customerId: string, estimate: number, work: Work<T>, options?: WithCreditsOptions): Promise<WithCreditsResult<T>>;
  close(): void;
}

/** A client of billing.credit.v1.CreditService (credit's gRPC port, 3052 under `npm start`). */
export function createCreditClient(options: ConnectionOptions, timing?: Timing): CreditClient {
  const caller = new UnaryCaller(serviceClientConstructor('billing/credit/v1/credit.proto', 'billing.credit.v1.CreditService'), options, timing);
  const client: CreditClient = {
    getBalance: (customerId, callOptions) => caller.call<Balance>('GetBalance', { customerId }, callOptions),
    // The key is fixed before the first attempt, so every retry of this call asks for the same hold.
    reserve: (request, callOptions) =>
      caller.call<Reservation>(
        'Reserve',
        { customerId: request.customerId, amount: request.amount, ttlSeconds: request.ttlSeconds ?? defaultTtlSeconds, idempotencyKey: request.idempotencyKey ?? randomUUID() },
        callOptions,
      ),
    capture: (request, callOptions) =>
      caller.call<CaptureResult>('Capture', { reservationId: request.reservationId, amount: request.amount, idempotencyKey: request.idempotencyKey ?? randomUUID() }, callOptions),
    release: (request, callOptions) =>
      caller.call<ReleaseResult>('Release', { reservationId: request.reservationId, idempotencyKey: request.idempotencyKey ?? randomUUID() }, callOptions),
    withCredits: (customerId, estimate, work, withOptions) => withCreditsOn(client, customerId, estimate, work, withOptions),
    close: () => caller.close(),
  };
  return client;
}
