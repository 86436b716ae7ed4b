import { expect } from 'chai';
import { prorateCredits, proratePriceDifference } from './proration';

const period = { index: 1, start: new Date('2025-02-01T00:00:00.000Z'), end: new Date('2025-03-01T00:00:00.000Z') };
const at = (iso: string): Date => new Date(iso);

describe('prorateCredits', () => {
  it('gives the whole amount at the period start and none at its end', () => {
    expect(prorateCredits(1_000, period, period.start)).to.equal(1_000);
    expect(prorateCredits(1_000, period, period.end)).to.equal(0);
  });

  it('is floor(credits × remaining / length)', () => {
    // 28-day period, 7 days left: 1000 × 7/28 = 250
    expect(prorateCredits(1_000, period, at('2025-02-22T00:00:00.000Z'))).to.equal(250);
    // 10 days left: 1000 × 10/28 = 357.14… → 357 (rounded down)
    expect(prorateCredits(1_000, period, at('2025-02-19T00:00:00.000Z'))).to.equal(357);
    // 1 ms left of a 28-day period: 1000 × 1/2419200000 → 0
    expect(prorateCredits(1_000, period, at('2025-02-28T23:59:59.999Z'))).to.equal(0);
  });

  it('clamps a time outside the period and handles zero credits', () => {
    expect(prorateCredits(1_000, period, at('2025-01-01T00:00:00.000Z'))).to.equal(1_000);
    expect(prorateCredits(1_000, period, at('2025-04-01T00:00:00.000Z'))).to.equal(0);
    expect(prorateCredits(0, period, period.start)).to.equal(0);
  });

  it('stays exact where credits × milliseconds passes 2^53', () => {
    const credits = 1_000_000_007;
    const now = at('2025-02-15T00:00:00.000Z'); // 14 of 28 days left
    expect(prorateCredits(credits, period, now)).to.equal(500_000_003);
  });
});

describe('proratePriceDifference', () => {
  describe('given an upgrade from 2900 to 9900 minor units in a 28-day period', () => {
    it('when 7 days are left, then it charges (9900 − 2900) × 7/28 = 1750', () => {
      expect(proratePriceDifference(2_900, 9_900, period, at('2025-02-22T00:00:00.000Z'))).to.equal(1_750);
    });

    it('when 10 days are left, then it rounds up: 7000 × 10/28 = 2500 exactly, 7001 × 10/28 = 2500.35… → 2501', () => {
      expect(proratePriceDifference(2_900, 9_900, period, at('2025-02-19T00:00:00.000Z'))).to.equal(2_500);
      expect(proratePriceDifference(2_900, 9_901, period, at('2025-02-19T00:00:00.000Z'))).to.equal(2_501);
    });

    it('when 1 ms is left, then it still charges one minor unit', () => {
      expect(proratePriceDifference(2_900, 9_900, period, at('2025-02-28T23:59:59.999Z'))).to.equal(1);
    });

    it('when the period has ended or the price does not rise, then it charges nothing', () => {
      expect(proratePriceDifference(2_900, 9_900, period, period.end)).to.equal(0);
      expect(proratePriceDifference(2_900, 2_900, period, period.start)).to.equal(0);
    });

    it('when the whole period is left, then it charges the whole difference', () => {
      expect(proratePriceDifference(2_900, 9_900, period, period.start)).to.equal(7_000);
    });
  });
});
