import type { BalanceView, GrantBalanceView } from '../../domain/balance-view';
import type { LedgerEntry } from '../../domain/ledger-entry';
import type { ReservationState, ReservationStatus } from '../../domain/reservation.entity';

/** Where a newest-first page starts: strictly older than this (at, id); undefined = the newest. */
export interface NewestFirstKey {
  readonly at: Date;
  readonly id: string;
}

export type LedgerOrder = 'asc' | 'desc';

/** Every grant an account ever had, with who granted it and why (from its 'grant' ledger entry). */
export interface GrantRecord extends GrantBalanceView {
  readonly reason: string | null;
  readonly grantedBy: string | null;
  readonly grantedAt: Date;
  readonly revokedAt: Date | null;
}

export type ReservationRecord = ReservationState & { customerId: string };

export interface BalancePoint {
  readonly at: Date;
  readonly balance: number;
}

/** Reads without the account lock: what a balance, a ledger page or a reservation looks like right now. */
export interface CreditReadModel {
  balance(customerId: string): Promise<BalanceView | undefined>;
  /** `afterSequence`: past this sequence in the given order; 0 = from the first entry in that order. */
  ledger(customerId: string, page: { limit: number; afterSequence: number; order?: LedgerOrder }): Promise<LedgerEntry[] | undefined>;
  reservation(reservationId: string): Promise<ReservationRecord | undefined>;
  /** Newest first (grantedAt, grantId); undefined when the customer has no account. */
  grants(customerId: string, page: { limit: number; before?: NewestFirstKey }): Promise<GrantRecord[] | undefined>;
  /** Newest first (reservedAt, reservationId), optionally of one status; undefined when the customer has no account. */
  reservations(customerId: string, page: { limit: number; status?: ReservationStatus; before?: NewestFirstKey }): Promise<ReservationRecord[] | undefined>;
  /** Whose grant this is; undefined when no account has it. */
  customerOfGrant(grantId: string): Promise<string | undefined>;
  /**
   * The balance after each balance-moving ledger entry, thinned to at most `maxPoints` (the last entry of each of
   * `maxPoints` equal runs of entries), oldest first, and the account's current balance; undefined without an account.
   */
  balanceHistory(customerId: string, maxPoints: number): Promise<{ points: BalancePoint[]; balance: number } | undefined>;
}
