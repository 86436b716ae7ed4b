import type { GrantSource } from '../../domain/grant-source.value-object';

/** What a refund claims of the grant it paid for: the payment and everything refunded of it so far (minor units). */
export interface ClawbackClaim {
  paymentAmount: number;
  totalRefunded: number;
}

/**
 * Revocations and refund claw-backs that arrived before the grant they name (events of different topics overtake
 * each other), kept in the caller's transaction until that grant comes.
 */
export interface PendingAdjustments {
  rememberRevocation(customerId: string, source: GrantSource): Promise<void>;
  /** Forgets the waiting revocation of that source; true if there was one. */
  takeRevocation(customerId: string, source: GrantSource): Promise<boolean>;
  /** Refunds carry the cumulative total: the highest claim seen is kept, whatever order they arrive in. */
  rememberClawback(customerId: string, source: GrantSource, claim: ClawbackClaim): Promise<void>;
  takeClawback(customerId: string, source: GrantSource): Promise<ClawbackClaim | undefined>;
}
