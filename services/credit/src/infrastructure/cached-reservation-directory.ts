import type { ReservationDirectory } from '../application/ports/reservation-directory.port';

/**
 * Which customer a reservation belongs to never changes, so capture and release need not ask the database each time:
 * reservations made here are remembered when their batch commits, others on first lookup. Bounded: the oldest go first.
 */
export class CachedReservationDirectory implements ReservationDirectory {
  private readonly customers = new Map<string, string>();

  constructor(
    private readonly source: ReservationDirectory,
    private readonly capacity = 100_000,
  ) {}

  remember(reservationId: string, customerId: string): void {
    this.customers.set(reservationId, customerId);
    if (this.customers.size > this.capacity) this.customers.delete(this.customers.keys().next().value!);
  }

  async customerOf(reservationId: string): Promise<string | undefined> {
    const known = this.customers.get(reservationId);
    if (known) return known;
    const customerId = await this.source.customerOf(reservationId);
    if (customerId) this.remember(reservationId, customerId);
    return customerId;
  }
}
