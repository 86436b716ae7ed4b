import type { BalanceView } from '../../domain/balance-view';
import type { LedgerEntry } from '../../domain/ledger-entry';
import type { ReservationState } from '../../domain/reservation.entity';

/** Reads without the account lock: what a balance, a ledger page or a reservation looks like right now. */
export interface CreditReadModel {
  balance(customerId: string): Promise<BalanceView | undefined>;
  ledger(customerId: string, page: { limit: number; afterSequence: number }): Promise<LedgerEntry[] | undefined>;
  reservation(reservationId: string): Promise<(ReservationState & { customerId: string }) | undefined>;
}
