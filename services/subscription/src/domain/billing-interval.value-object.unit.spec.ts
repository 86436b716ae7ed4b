import { expect } from 'chai';
import fc from 'fast-check';
import {
  addCalendarMonthsUtc,
  billingPeriod,
  BILLING_INTERVALS,
  isBillingInterval,
  type BillingInterval,
} from './billing-interval.value-object';
import { InvalidArgumentError } from './subscription.errors';

const iso = (date: Date): string => date.toISOString();
const starts = (anchor: string, interval: BillingInterval, count: number): string[] =>
  Array.from({ length: count }, (_, i) => iso(billingPeriod(new Date(anchor), interval, i + 1).start));

describe('billingPeriod', () => {
  describe('when the interval is a month and the anchor is the 31st', () => {
    it('clamps to each month end, measured from the anchor so it never drifts', () => {
      expect(starts('2025-01-31T09:05:00.000Z', 'month', 6)).to.deep.equal([
        '2025-01-31T09:05:00.000Z',
        '2025-02-28T09:05:00.000Z',
        '2025-03-31T09:05:00.000Z',
        '2025-04-30T09:05:00.000Z',
        '2025-05-31T09:05:00.000Z',
        '2025-06-30T09:05:00.000Z',
      ]);
    });

    it('gives Feb 29 in a leap year', () => {
      expect(iso(billingPeriod(new Date('2024-01-31T00:00:00.000Z'), 'month', 1).end)).to.equal('2024-02-29T00:00:00.000Z');
    });

    it('crosses the year boundary', () => {
      const period = billingPeriod(new Date('2024-12-31T23:59:59.999Z'), 'month', 2);
      expect([iso(period.start), iso(period.end)]).to.deep.equal(['2025-01-31T23:59:59.999Z', '2025-02-28T23:59:59.999Z']);
    });
  });

  describe('when the interval is a month and the anchor is mid-month', () => {
    it('keeps the day and the time of day', () => {
      expect(billingPeriod(new Date('2025-03-15T12:34:56.789Z'), 'month', 3)).to.deep.equal({
        index: 3,
        start: new Date('2025-05-15T12:34:56.789Z'),
        end: new Date('2025-06-15T12:34:56.789Z'),
      });
    });
  });

  describe('when the interval is a year', () => {
    it('maps Feb 29 to Feb 28 in common years and back to Feb 29 in the next leap year', () => {
      expect(starts('2024-02-29T00:00:00.000Z', 'year', 5)).to.deep.equal([
        '2024-02-29T00:00:00.000Z',
        '2025-02-28T00:00:00.000Z',
        '2026-02-28T00:00:00.000Z',
        '2027-02-28T00:00:00.000Z',
        '2028-02-29T00:00:00.000Z',
      ]);
    });
  });

  describe('when the interval is a day', () => {
    it('adds exact 24 h spans in UTC, through a leap day and a daylight-saving weekend', () => {
      expect(starts('2024-02-28T10:00:00.000Z', 'day', 3)).to.deep.equal([
        '2024-02-28T10:00:00.000Z',
        '2024-02-29T10:00:00.000Z',
        '2024-03-01T10:00:00.000Z',
      ]);
      const acrossDst = billingPeriod(new Date('2025-03-30T00:30:00.000Z'), 'day', 1);
      expect(acrossDst.end.getTime() - acrossDst.start.getTime()).to.equal(86_400_000);
    });
  });

  describe('for any anchor, interval and index', () => {
    it('periods are contiguous, non-empty and never drift from the anchor day', () => {
      fc.assert(
        fc.property(
          fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
          fc.constantFrom(...BILLING_INTERVALS),
          fc.integer({ min: 1, max: 300 }),
          (anchor, interval, index) => {
            const period = billingPeriod(anchor, interval, index);
            const next = billingPeriod(anchor, interval, index + 1);
            expect(period.end.getTime()).to.equal(next.start.getTime());
            expect(period.start.getTime()).to.be.lessThan(period.end.getTime());
            if (interval !== 'day') {
              expect(period.start.getUTCDate()).to.be.at.most(anchor.getUTCDate());
              expect(period.start.getUTCHours()).to.equal(anchor.getUTCHours());
              // Clamped only when the month is too short for the anchor day.
              const lastDay = new Date(Date.UTC(period.start.getUTCFullYear(), period.start.getUTCMonth() + 1, 0)).getUTCDate();
              expect(period.start.getUTCDate()).to.equal(Math.min(anchor.getUTCDate(), lastDay));
            }
          },
        ),
      );
    });
  });

  describe('when given bad input', () => {
    it('refuses an index below 1 or fractional, and an invalid anchor', () => {
      expect(() => billingPeriod(new Date(), 'month', 0)).to.throw(InvalidArgumentError);
      expect(() => billingPeriod(new Date(), 'month', 1.5)).to.throw(InvalidArgumentError);
      expect(() => billingPeriod(new Date('nope'), 'month', 1)).to.throw(InvalidArgumentError);
    });
  });
});

describe('addCalendarMonthsUtc', () => {
  it('subtracts months too, clamping the same way', () => {
    expect(iso(addCalendarMonthsUtc(new Date('2025-03-31T00:00:00.000Z'), -1))).to.equal('2025-02-28T00:00:00.000Z');
  });
});

describe('isBillingInterval', () => {
  it('knows day, month and year only', () => {
    expect(BILLING_INTERVALS.every(isBillingInterval)).to.equal(true);
    expect(['week', 'Month', '', undefined].some(isBillingInterval)).to.equal(false);
  });
});
