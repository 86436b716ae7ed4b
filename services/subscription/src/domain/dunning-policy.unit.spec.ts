import { expect } from 'chai';
import { DunningPolicy } from './dunning-policy';
import { InvalidDunningPolicyError } from './subscription.errors';

const failedAt = new Date('2025-02-28T09:05:00.000Z');
const days = (n: number): Date => new Date(failedAt.getTime() + n * 86_400_000);

describe('DunningPolicy', () => {
  describe('when the schedule is [1, 3, 5] days', () => {
    const policy = DunningPolicy.of([1, 3, 5]);

    it('allows four attempts: the charge and three retries', () => {
      expect(policy.maxAttempts).to.equal(4);
    });

    it('schedules each retry after the previous failure', () => {
      expect(policy.nextAttemptAt(1, failedAt)).to.deep.equal(days(1));
      expect(policy.nextAttemptAt(2, failedAt)).to.deep.equal(days(3));
      expect(policy.nextAttemptAt(3, failedAt)).to.deep.equal(days(5));
    });

    it('has nothing after the last attempt', () => {
      expect(policy.nextAttemptAt(4, failedAt)).to.equal(null);
      expect(policy.nextAttemptAt(9, failedAt)).to.equal(null);
    });
  });

  describe('when the schedule is empty', () => {
    it('gives up after the first failure', () => {
      expect(DunningPolicy.of([]).nextAttemptAt(1, failedAt)).to.equal(null);
    });
  });

  describe('when the schedule is invalid', () => {
    it('refuses zero, negative and fractional delays', () => {
      for (const delays of [[0], [-1], [1.5], [1, Number.NaN]]) {
        expect(() => DunningPolicy.of(delays), String(delays)).to.throw(InvalidDunningPolicyError).with.property('code', 'INVALID_DUNNING_POLICY');
      }
    });
  });

  it('cannot be changed through the array it was built from', () => {
    const delays = [1, 3, 5];
    const policy = DunningPolicy.of(delays);
    delays[0] = 100;
    expect(policy.nextAttemptAt(1, failedAt)).to.deep.equal(days(1));
    expect(DunningPolicy.standard().retryDelaysInDays).to.deep.equal([1, 3, 5]);
  });
});
