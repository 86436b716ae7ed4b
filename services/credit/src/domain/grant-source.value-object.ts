import { InvalidGrantSourceError } from './credit-account.errors';

/** DISPUTE_REVERSAL: credits a won dispute gives back (id = the dispute id). */
export const GRANT_SOURCE_TYPES = ['SUBSCRIPTION_PERIOD', 'TOP_UP', 'MANUAL', 'PROMOTION', 'DISPUTE_REVERSAL'] as const;
export type GrantSourceType = (typeof GRANT_SOURCE_TYPES)[number];

/**
 * Why credits were granted. (type, id, period) is the grant's natural key: the same payment or subscription period
 * delivered twice (at-least-once messaging) must not grant twice.
 */
export interface GrantSource {
  readonly type: GrantSourceType;
  /** The upstream id: subscriptionId, paymentId, promotion code, operator ticket, dispute id… */
  readonly id: string;
  /** The subscription period index; required for SUBSCRIPTION_PERIOD, optional (null) otherwise. */
  readonly period: number | null;
}

export const GrantSource = {
  of(input: { type: unknown; id: unknown; period?: unknown }): GrantSource {
    const { type, id } = input;
    const period = input.period ?? null;
    if (typeof type !== 'string' || !(GRANT_SOURCE_TYPES as readonly string[]).includes(type)) {
      throw new InvalidGrantSourceError(`type must be one of ${GRANT_SOURCE_TYPES.join(', ')}`);
    }
    if (typeof id !== 'string' || id.trim() === '') throw new InvalidGrantSourceError('id must be a non-empty string');
    if (period !== null && !(typeof period === 'number' && Number.isSafeInteger(period) && period >= 0)) {
      throw new InvalidGrantSourceError('period must be a non-negative integer or null');
    }
    if (type === 'SUBSCRIPTION_PERIOD' && period === null) {
      throw new InvalidGrantSourceError('a SUBSCRIPTION_PERIOD source needs its period');
    }
    return { type: type as GrantSourceType, id, period };
  },

  /** The uniqueness key; persistence should back it with a unique index on (account, type, id, period). */
  key(source: GrantSource): string {
    return JSON.stringify([source.type, source.id, source.period]);
  },
};
