import { ReservationNotFoundError } from '../../../domain/credit-account.errors';
import { CreditAmount } from '../../../domain/credit-amount.value-object';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireUuid, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { ReservationDirectory } from '../../ports/reservation-directory.port';

/** Gives captured credits back to the grants that paid for them (e.g. the work failed after capture). */
export class RefundCaptureHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; reservations: ReservationDirectory }) {}

  async execute(command: { reservationId: string; amount: number }, context: RequestContext, mayActFor: (customerId: string) => void = () => undefined) {
    const reservationId = requireUuid(command.reservationId, 'reservationId');
    const amount = CreditAmount.of(command.amount, 'amount');
    const customerId = await this.deps.reservations.customerOf(reservationId);
    if (!customerId) throw new ReservationNotFoundError(reservationId);
    mayActFor(customerId);
    return unwrap<Extract<AccountCommandResult, { type: 'Refund' }>>(await this.deps.bus.submit(customerId, { type: 'Refund', reservationId, amount }, context));
  }
}
