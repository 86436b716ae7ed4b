import type { BillingPeriod } from './billing-interval.value-object';

/**
 * Credits for the rest of a period after an upgrade at `now`:
 *   floor(creditsPerPeriod × (period.end − now) / (period.end − period.start)), times in milliseconds,
 * the remaining time clamped to [0, period length]. Rounded down so the customer is never granted more than the
 * plan gives for a whole period. BigInt because credits × milliseconds can pass 2^53.
 */
export function prorateCredits(creditsPerPeriod: number, period: BillingPeriod, now: Date): number {
  const total = period.end.getTime() - period.start.getTime();
  if (total <= 0 || creditsPerPeriod === 0) return 0;
  const remaining = Math.min(Math.max(period.end.getTime() - now.getTime(), 0), total);
  return Number((BigInt(creditsPerPeriod) * BigInt(remaining)) / BigInt(total));
}

/**
 * What an upgrade at `now` costs for the rest of the period:
 *   ceil((newPrice − oldPrice) × (period.end − now) / (period.end − period.start)), minor units, times in milliseconds,
 * the remaining time clamped to [0, period length]. Rounded up, so any upgrade before the period end costs at least
 * one minor unit and the platform never sells the difference below its price. BigInt as above.
 */
export function proratePriceDifference(fromAmount: number, toAmount: number, period: BillingPeriod, now: Date): number {
  const total = period.end.getTime() - period.start.getTime();
  const difference = toAmount - fromAmount;
  if (total <= 0 || difference <= 0) return 0;
  const remaining = BigInt(Math.min(Math.max(period.end.getTime() - now.getTime(), 0), total));
  const numerator = BigInt(difference) * remaining;
  return Number((numerator + BigInt(total) - 1n) / BigInt(total));
}
