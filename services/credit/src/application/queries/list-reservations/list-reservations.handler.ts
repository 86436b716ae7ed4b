import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import type { ReservationStatus } from '../../../domain/reservation.entity';
import { requireCustomerId } from '../../credit.errors';
import type { CreditReadModel, NewestFirstKey, ReservationRecord } from '../../ports/credit-read-model.port';

/** An account's reservations, newest first, optionally of one status. */
export class ListReservationsHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: {
    customerId: string;
    limit: number;
    status?: ReservationStatus;
    before?: NewestFirstKey;
  }): Promise<{ reservations: ReservationRecord[]; next: NewestFirstKey | null }> {
    const customerId = requireCustomerId(query.customerId);
    const reservations = await this.deps.readModel.reservations(customerId, {
      limit: query.limit + 1,
      ...(query.status ? { status: query.status } : {}),
      ...(query.before ? { before: query.before } : {}),
    });
    if (!reservations) throw new AccountNotFoundError(customerId);
    const page = reservations.slice(0, query.limit);
    const last = page.at(-1);
    return { reservations: page, next: reservations.length > query.limit && last ? { at: last.reservedAt, id: last.reservationId } : null };
  }
}
