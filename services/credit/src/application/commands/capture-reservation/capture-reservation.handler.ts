import { ReservationNotFoundError } from '../../../domain/credit-account.errors';
import { CreditAmount } from '../../../domain/credit-amount.value-object';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireIdempotencyKey, requireUuid, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { ReservationDirectory } from '../../ports/reservation-directory.port';

export interface CaptureReservation {
  reservationId: string;
  amount: number;
  /** Names this capture: the same capture under it again answers the first outcome. */
  idempotencyKey: string;
}

/**
 * Captures what the work used (≤ held); the rest of the hold is released. A reservation resolves once: the same
 * capture under the same key answers the first outcome; under another key it is RESERVATION_ALREADY_RESOLVED
 * (RESERVATION_EXPIRED once the hold has expired).
 */
export class CaptureReservationHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; reservations: ReservationDirectory }) {}

  /** `mayActFor` lets the interface refuse a customer-scoped token on another customer's reservation. */
  async execute(command: CaptureReservation, context: RequestContext, mayActFor: (customerId: string) => void = () => undefined) {
    const reservationId = requireUuid(command.reservationId, 'reservationId');
    const amount = CreditAmount.of(command.amount, 'amount');
    const idempotencyKey = requireIdempotencyKey(command.idempotencyKey);
    const customerId = await this.deps.reservations.customerOf(reservationId);
    if (!customerId) throw new ReservationNotFoundError(reservationId);
    mayActFor(customerId);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Capture', reservationId, amount, idempotencyKey }, context);
    return unwrap<Extract<AccountCommandResult, { type: 'Capture' }>>(outcome);
  }
}
