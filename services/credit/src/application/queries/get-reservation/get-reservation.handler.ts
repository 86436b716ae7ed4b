import { ReservationNotFoundError } from '../../../domain/credit-account.errors';
import { requireUuid } from '../../credit.errors';
import type { CreditReadModel } from '../../ports/credit-read-model.port';

export class GetReservationHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: { reservationId: string }, mayActFor: (customerId: string) => void = () => undefined) {
    const reservationId = requireUuid(query.reservationId, 'reservationId');
    const reservation = await this.deps.readModel.reservation(reservationId);
    if (!reservation) throw new ReservationNotFoundError(reservationId);
    mayActFor(reservation.customerId);
    return reservation;
  }
}
