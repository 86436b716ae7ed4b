import { randomUUID } from 'node:crypto';
import { ReservationAlreadyResolved, ReservationExpired } from '../errors';
import type { CallOptions } from '../grpc/unary-caller';
import type { CaptureResult, ReleaseResult, Reservation, ReserveRequest, CaptureRequest, ReleaseRequest } from './credit-types';

/** What the work is given: the hold it runs under. */
export interface Hold {
  reservationId: string;
  customerId: string;
  /** The estimate, held. */
  amount: number;
  expiresAt: string;
  operationId: string;
}

/** The credits the work used (an integer, 0..estimate), alone or with a value for the caller. */
export type Used<T> = number | { used: number; result: T };

export type Work<T> = (hold: Hold) => Promise<Used<T>>;

export interface WithCreditsOptions extends CallOptions {
  /** Names the operation: reserve, capture and release keys derive from it, so retrying it charges once. Random when absent. */
  operationId?: string;
  /** How long the hold outlives a crash (default 60 s). */
  ttlSeconds?: number;
}

export interface WithCreditsResult<T> {
  reservationId: string;
  operationId: string;
  captured: number;
  released: number;
  /** What the work reported beyond the estimate: not charged (a hold caps what may be taken). */
  unbilled: number;
  result: T | undefined;
}

interface Credits {
  reserve(request: ReserveRequest, options?: CallOptions): Promise<Reservation>;
  capture(request: CaptureRequest, options?: CallOptions): Promise<CaptureResult>;
  release(request: ReleaseRequest, options?: CallOptions): Promise<ReleaseResult>;
}

/** The idempotency keys of one operation's three steps. */
export const operationKeys = (operationId: string) => ({
  reserve: `${operationId}:reserve`,
  capture: `${operationId}:capture`,
  release: `${operationId}:release`,
});

function usageOf<T>(outcome: Used<T>): { used: number; result: T | undefined } {
  const { used, result } = typeof outcome === 'number' ? { used: outcome, result: undefined } : outcome;
  if (!Number.isSafeInteger(used) || used < 0) throw new RangeError(`withCredits: work must report the credits it used as an integer ≥ 0, not ${used}`);
  return { used, result };
}

export async function withCreditsOn<T>(credits: Credits, customerId: string, estimate: number, work: Work<T>, options: WithCreditsOptions = {}): Promise<WithCreditsResult<T>> {
  const operationId = options.operationId ?? randomUUID();
  const keys = operationKeys(operationId);
  const callOptions: CallOptions = { deadlineMs: options.deadlineMs, correlationId: options.correlationId ?? operationId };
  const reservation = await credits.reserve({ customerId, amount: estimate, ttlSeconds: options.ttlSeconds, idempotencyKey: keys.reserve }, callOptions);
  // The same operation id again, after it settled: it was charged already, and its work is not run a second time.
  if (reservation.status === 'EXPIRED') throw new ReservationExpired('RESERVATION_EXPIRED', `operation ${operationId}: its hold expired`);
  if (reservation.status !== 'HELD') throw new ReservationAlreadyResolved('RESERVATION_ALREADY_RESOLVED', `operation ${operationId} was already ${reservation.status.toLowerCase()}`);
  const hold: Hold = { reservationId: reservation.reservationId, customerId, amount: reservation.amount, expiresAt: reservation.expiresAt, operationId };
  let usage: { used: number; result: T | undefined };
  try {
    usage = usageOf(await work(hold));
  } catch (error) {
    // The work's error is what the caller needs; a failed release only leaves the hold to its TTL.
    await credits.release({ reservationId: hold.reservationId, idempotencyKey: keys.release }, callOptions).catch(() => undefined);
    throw error;
  }
  const charged = Math.min(usage.used, hold.amount);
  const settled =
    charged === 0
      ? { captured: 0, released: (await credits.release({ reservationId: hold.reservationId, idempotencyKey: keys.release }, callOptions)).released }
      : await credits.capture({ reservationId: hold.reservationId, amount: charged, idempotencyKey: keys.capture }, callOptions);
  return { reservationId: hold.reservationId, operationId, captured: settled.captured, released: settled.released, unbilled: usage.used - charged, result: usage.result };
}
