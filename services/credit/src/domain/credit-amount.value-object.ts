import { InvalidAmountError } from './credit-account.errors';

/**
 * Upper bound of any single amount (grant, hold, capture, refund, threshold). Sums of many such amounts stay far
 * below Number.MAX_SAFE_INTEGER, so plain integer arithmetic on numbers is exact.
 */
export const MAX_CREDIT_AMOUNT = 1_000_000_000;

/** A positive whole number of credits, 1..MAX_CREDIT_AMOUNT. Credits are never fractional. */
export type CreditAmount = number & { readonly __brand: 'CreditAmount' };

export const CreditAmount = {
  is(value: unknown): value is CreditAmount {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_CREDIT_AMOUNT;
  },

  /** Rejects zero, negatives, fractions, NaN, infinities, non-numbers and anything above MAX_CREDIT_AMOUNT. */
  of(value: unknown, field = 'amount'): CreditAmount {
    if (!CreditAmount.is(value)) throw new InvalidAmountError(field, value, MAX_CREDIT_AMOUNT);
    return value;
  },
};
