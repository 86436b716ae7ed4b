import type { GrantState } from './grant.entity';
import type { LedgerEntry, LedgerTotals } from './ledger-entry';
import type { ReservationState } from './reservation.entity';

/**
 * Everything a CreditAccount is made of; what the repository stores and hands back to reconstitute().
 *
 * Loading rules: all grants (the source-uniqueness check and every allocation need them) and all HELD reservations
 * (they make up `held`). Resolved reservations may be left out; a refund of one that was left out fails with
 * RESERVATION_NOT_FOUND, so load CAPTURED ones that may still be refunded. The ledger may be a suffix of the
 * history: `ledgerBase` carries the totals of every entry before it (EMPTY_LEDGER_TOTALS when `ledger` is complete).
 */
export interface CreditAccountState {
  accountId: string;
  customerId: string;
  openedAt: Date;
  /** null = no low-balance alerts. */
  lowBalanceThreshold: number | null;
  /** true while available ≥ threshold: the next drop below it records CreditBalanceLow. */
  lowBalanceArmed: boolean;
  /** true from a CreditBalanceLow until the matching CreditBalanceRecovered. */
  lowBalanceAlerted: boolean;
  grants: GrantState[];
  reservations: ReservationState[];
  ledgerBase: LedgerTotals;
  ledger: LedgerEntry[];
}
