import { ReservationNotFoundError } from '../../../domain/credit-account.errors';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireIdempotencyKey, requireUuid, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { ReservationDirectory } from '../../ports/reservation-directory.port';

/**
 * Gives a whole hold back. The same release under the same key answers the first outcome; a reservation resolved under
 * another key is RESERVATION_ALREADY_RESOLVED (RESERVATION_EXPIRED once the hold has expired).
 */
export class ReleaseReservationHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; reservations: ReservationDirectory }) {}

  async execute(command: { reservationId: string; idempotencyKey: string }, context: RequestContext, mayActFor: (customerId: string) => void = () => undefined) {
    const reservationId = requireUuid(command.reservationId, 'reservationId');
    const idempotencyKey = requireIdempotencyKey(command.idempotencyKey);
    const customerId = await this.deps.reservations.customerOf(reservationId);
    if (!customerId) throw new ReservationNotFoundError(reservationId);
    mayActFor(customerId);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Release', reservationId, idempotencyKey }, context);
    return unwrap<Extract<AccountCommandResult, { type: 'Release' }>>(outcome);
  }
}
