import type { GrantSource } from './grant-source.value-object';

// Time comes in with every command (`now`), and ids for grants and reservations from the caller, so a test pins both.

export interface OpenCreditAccount {
  accountId: string;
  customerId: string;
  lowBalanceThreshold?: number | null;
  now: Date;
}

export interface GrantCredits {
  grantId: string;
  amount: number;
  source: GrantSource;
  /** null / omitted = never expires (burns last). An expiry at or before `now` expires the grant at once. */
  expiresAt?: Date | null;
  /** Lower burns first among grants with the same expiry; defaults to DEFAULT_GRANT_PRIORITY. */
  priority?: number;
  now: Date;
}

export interface ReserveCredits {
  reservationId: string;
  amount: number;
  /** Milliseconds, MIN_RESERVATION_TTL_MS..MAX_RESERVATION_TTL_MS. */
  ttlMs: number;
  now: Date;
}

export interface CaptureReservation {
  reservationId: string;
  /** 1..held; the rest of the hold is released. */
  amount: number;
  /** Remembered on the reservation: the same capture under it again is a replay. */
  idempotencyKey: string;
  now: Date;
}

export interface ReleaseReservation {
  reservationId: string;
  /** Remembered on the reservation: the same release under it again is a replay. */
  idempotencyKey: string;
  now: Date;
}

export interface RefundCapture {
  reservationId: string;
  /** 1..(captured − already refunded). */
  amount: number;
  now: Date;
}

export interface RevokeGrant {
  grantId: string;
  now: Date;
}

export interface ClawBackGrant {
  grantId: string;
  /** The payment that bought the grant, in minor units. */
  paymentAmount: number;
  /** Everything refunded of that payment so far (cumulative), in minor units. */
  totalRefunded: number;
  now: Date;
}

export interface RestoreRevokedCredits {
  /** The grant a dispute revoked. */
  grantId: string;
  /** The id for the new grant; its source names the dispute. */
  restoreGrantId: string;
  disputeId: string;
  now: Date;
}

export interface ChangeLowBalanceThreshold {
  threshold: number | null;
  now: Date;
}

export interface AdoptLowBalanceThreshold {
  /** A default (e.g. the plan's): taken only by an account that has no threshold of its own. */
  threshold: number;
  now: Date;
}
