import { ReservationNotFoundError } from '../../../domain/credit-account.errors';
import type { AccountCommandResult } from '../../account-command';
import { requireUuid, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { ReservationDirectory } from '../../ports/reservation-directory.port';

/** Gives a whole hold back. Releasing a released reservation answers the first outcome again. */
export class ReleaseReservationHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; reservations: ReservationDirectory }) {}

  async execute(command: { reservationId: string }, context: RequestContext, mayActFor: (customerId: string) => void = () => undefined) {
    const reservationId = requireUuid(command.reservationId, 'reservationId');
    const customerId = await this.deps.reservations.customerOf(reservationId);
    if (!customerId) throw new ReservationNotFoundError(reservationId);
    mayActFor(customerId);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Release', reservationId }, context);
    return unwrap<Extract<AccountCommandResult, { type: 'Release' }>>(outcome);
  }
}
