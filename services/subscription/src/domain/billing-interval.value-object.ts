import { assertPositiveInteger, assertValidDate } from './guards';

export const BILLING_INTERVALS = ['day', 'month', 'year'] as const;

export type BillingInterval = (typeof BILLING_INTERVALS)[number];

export function isBillingInterval(value: unknown): value is BillingInterval {
  return typeof value === 'string' && (BILLING_INTERVALS as readonly string[]).includes(value);
}

/** Billing period `index` (1-based) covers [start, end). */
export interface BillingPeriod {
  readonly index: number;
  readonly start: Date;
  readonly end: Date;
}

const DAY_MS = 86_400_000;

/** Days are fixed 24 h spans: all arithmetic is in UTC, so there is no daylight-saving hour to lose. */
export function addDaysUtc(date: Date, days: number): Date {
  assertValidDate(date, 'date');
  return new Date(date.getTime() + days * DAY_MS);
}

/**
 * Adds calendar months in UTC keeping the time of day, clamping the day to the target month's last day
 * (Jan 31 + 1 month = Feb 28/29). Callers always add to the original anchor, never to a clamped result, so
 * Jan 31 → Feb 28 → Mar 31 instead of drifting to Mar 28.
 */
export function addCalendarMonthsUtc(date: Date, months: number): Date {
  assertValidDate(date, 'date');
  const totalMonths = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const result = new Date(date.getTime());
  // Day 1 first, so setting the month can never overflow into the month after.
  result.setUTCDate(1);
  result.setUTCFullYear(year, month, 1);
  result.setUTCDate(Math.min(date.getUTCDate(), daysInMonthUtc(year, month)));
  return result;
}

function daysInMonthUtc(year: number, month: number): number {
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month + 1, 0);
  return lastDay.getUTCDate();
}

/** The start of the `count`-th interval after the anchor (count 0 = the anchor itself). */
export function addIntervals(anchor: Date, interval: BillingInterval, count: number): Date {
  switch (interval) {
    case 'day':
      return addDaysUtc(anchor, count);
    case 'month':
      return addCalendarMonthsUtc(anchor, count);
    case 'year':
      return addCalendarMonthsUtc(anchor, count * 12);
  }
}

/** Period N is measured from the anchor every time, so rounding in one period never shifts the next. */
export function billingPeriod(anchor: Date, interval: BillingInterval, index: number): BillingPeriod {
  assertValidDate(anchor, 'anchor');
  assertPositiveInteger(index, 'period index');
  return { index, start: addIntervals(anchor, interval, index - 1), end: addIntervals(anchor, interval, index) };
}
