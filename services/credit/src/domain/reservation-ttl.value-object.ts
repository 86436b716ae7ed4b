import { InvalidTtlError } from './credit-account.errors';

/** Shorter holds would expire before a capture round-trip; longer ones would lock credits for days. */
export const MIN_RESERVATION_TTL_MS = 1_000;
export const MAX_RESERVATION_TTL_MS = 24 * 60 * 60 * 1_000;

export const ReservationTtl = {
  /** Milliseconds, an integer within [MIN_RESERVATION_TTL_MS, MAX_RESERVATION_TTL_MS]. */
  of(ttlMs: unknown): number {
    const valid =
      typeof ttlMs === 'number' && Number.isSafeInteger(ttlMs) && ttlMs >= MIN_RESERVATION_TTL_MS && ttlMs <= MAX_RESERVATION_TTL_MS;
    if (!valid) throw new InvalidTtlError(ttlMs, MIN_RESERVATION_TTL_MS, MAX_RESERVATION_TTL_MS);
    return ttlMs;
  },
};
