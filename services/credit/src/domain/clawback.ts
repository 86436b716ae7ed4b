import { InvalidAmountError } from './credit-account.errors';

const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * How much of a grant refunds of its payment claim back: floor(granted × totalRefunded / paymentAmount), the refunds
 * counted cumulatively so the sum of per-refund claims is the claim on their total (no rounding drift over many partial
 * refunds) and never more than `granted`. BigInt: granted × minor units can pass 2^53.
 */
export function clawbackTarget(input: { granted: number; paymentAmount: unknown; totalRefunded: unknown }): number {
  const { granted, paymentAmount, totalRefunded } = input;
  if (!isWhole(paymentAmount) || paymentAmount < 1) throw new InvalidAmountError('paymentAmount', paymentAmount, Number.MAX_SAFE_INTEGER);
  if (!isWhole(totalRefunded) || totalRefunded < 0) throw new InvalidAmountError('totalRefunded', totalRefunded, Number.MAX_SAFE_INTEGER);
  const refunded = Math.min(totalRefunded, paymentAmount);
  return Number((BigInt(granted) * BigInt(refunded)) / BigInt(paymentAmount));
}
