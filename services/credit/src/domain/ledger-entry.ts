/** 'shortfall' is a note, moving nothing: the part of a refund's claim on a grant that had already been spent. */
export const LEDGER_ENTRY_TYPES = ['grant', 'hold', 'capture', 'release', 'expire', 'refund', 'revoke', 'shortfall'] as const;
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number];

/**
 * One append-only movement of credits on one grant. balance = Σ balanceDelta and held = Σ heldDelta over the whole
 * ledger, so the ledger alone can rebuild (and audit) the account.
 */
export interface LedgerEntry {
  readonly entryId: string;
  readonly accountId: string;
  /** 1, 2, 3… per account, gap-free; a unique (accountId, sequence) index also rejects concurrent writers. */
  readonly sequence: number;
  readonly type: LedgerEntryType;
  readonly grantId: string;
  /** Set for hold, capture, release and refund, for a hold's expire, and for an expire/revoke caused by releasing or refunding a hold. */
  readonly reservationId: string | null;
  /** Always positive; the deltas carry the sign. */
  readonly amount: number;
  readonly balanceDelta: number;
  readonly heldDelta: number;
  readonly occurredAt: Date;
  /** Why a person moved these credits (a goodwill grant, a manual revoke); null for what the system did. */
  readonly reason: string | null;
  /** Who asked for the command that wrote the entry (the Billing-Actor header, e.g. `console:alice`); null if nobody said. */
  readonly actor: string | null;
}

/** What a command stamps on the ledger entries it writes; time-driven entries (expiry) carry neither. */
export interface LedgerNote {
  readonly reason: string | null;
  readonly actor: string | null;
}

export const NO_LEDGER_NOTE: LedgerNote = { reason: null, actor: null };

/** Sums of a ledger prefix: what the repository passes instead of loading every historical entry. */
export interface LedgerTotals {
  readonly sequence: number;
  readonly balance: number;
  readonly held: number;
}

export const EMPTY_LEDGER_TOTALS: LedgerTotals = { sequence: 0, balance: 0, held: 0 };

/** What an 'expire' entry ends: a grant's unheld credits (they leave the balance) or a hold (its credits are no longer held). */
export type LedgerExpiry = 'grant' | 'hold';

/**
 * The only place that decides what each entry type does to balance and held. Only 'expire' needs to know what expired:
 * a hold's expiry moves what a release moves, but the ledger says the hold timed out rather than was given back.
 */
export function ledgerDeltas(type: LedgerEntryType, amount: number, expiring: LedgerExpiry = 'grant'): { balanceDelta: number; heldDelta: number } {
  switch (type) {
    case 'grant':
    case 'refund':
      return { balanceDelta: amount, heldDelta: 0 };
    case 'hold':
      return { balanceDelta: 0, heldDelta: amount };
    case 'capture':
      return { balanceDelta: -amount, heldDelta: -amount };
    case 'release':
      return { balanceDelta: 0, heldDelta: -amount };
    case 'expire':
      return expiring === 'hold' ? { balanceDelta: 0, heldDelta: -amount } : { balanceDelta: -amount, heldDelta: 0 };
    case 'revoke':
      return { balanceDelta: -amount, heldDelta: 0 };
    case 'shortfall':
      return { balanceDelta: 0, heldDelta: 0 };
    default: {
      const unknown: never = type;
      throw new Error(`unknown ledger entry type ${String(unknown)}`);
    }
  }
}

export function sumLedger(base: LedgerTotals, entries: readonly LedgerEntry[]): LedgerTotals {
  return entries.reduce<LedgerTotals>(
    (totals, entry) => ({
      sequence: entry.sequence,
      balance: totals.balance + entry.balanceDelta,
      held: totals.held + entry.heldDelta,
    }),
    base,
  );
}
