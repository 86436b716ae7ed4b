import { expect } from 'chai';
import { CreditAmount, MAX_CREDIT_AMOUNT } from './credit-amount.value-object';
import { GrantSource } from './grant-source.value-object';
import { LEDGER_ENTRY_TYPES, ledgerDeltas } from './ledger-entry';
import { evaluateLowBalance } from './low-balance-alarm';
import { MAX_RESERVATION_TTL_MS, MIN_RESERVATION_TTL_MS, ReservationTtl } from './reservation-ttl.value-object';
import { expectDomainError } from './credit-account.test-fixtures';

describe('CreditAmount', () => {
  describe('when the value is a whole number from 1 to MAX_CREDIT_AMOUNT', () => {
    it('accepts it', () => {
      expect([1, MAX_CREDIT_AMOUNT].map((value) => CreditAmount.of(value))).to.deep.equal([1, MAX_CREDIT_AMOUNT]);
    });
  });

  describe('when it is anything else', () => {
    it('fails with INVALID_AMOUNT naming the field', () => {
      for (const value of [0, -1, 0.1, Number.NaN, Number.NEGATIVE_INFINITY, MAX_CREDIT_AMOUNT + 1, null, '1']) {
        const error = expectDomainError(() => CreditAmount.of(value, 'threshold'), 'INVALID_AMOUNT');
        expect(error.details).to.have.property('field', 'threshold');
      }
    });
  });
});

describe('ReservationTtl', () => {
  describe('when the TTL is within bounds', () => {
    it('accepts it', () => {
      expect(ReservationTtl.of(MIN_RESERVATION_TTL_MS)).to.equal(1_000);
      expect(ReservationTtl.of(MAX_RESERVATION_TTL_MS)).to.equal(86_400_000);
    });
  });
});

describe('GrantSource', () => {
  describe('when two sources differ only in period', () => {
    it('gives them different keys, and equal sources the same key', () => {
      const one = GrantSource.of({ type: 'SUBSCRIPTION_PERIOD', id: 'sub-1', period: 1 });
      const two = GrantSource.of({ type: 'SUBSCRIPTION_PERIOD', id: 'sub-1', period: 2 });
      expect(GrantSource.key(one)).to.not.equal(GrantSource.key(two));
      expect(GrantSource.key(one)).to.equal(GrantSource.key({ ...one }));
    });
  });

  describe('when a top-up has no period', () => {
    it('defaults it to null', () => {
      expect(GrantSource.of({ type: 'TOP_UP', id: 'pay-1' })).to.deep.equal({ type: 'TOP_UP', id: 'pay-1', period: null });
    });
  });
});

describe('ledgerDeltas', () => {
  describe('for each entry type', () => {
    it('moves balance and held as the ledger table says', () => {
      const table = Object.fromEntries(LEDGER_ENTRY_TYPES.map((type) => [type, Object.values(ledgerDeltas(type, 7))]));
      expect(table).to.deep.equal({
        grant: [7, 0],
        hold: [0, 7],
        capture: [-7, -7],
        release: [0, -7],
        expire: [-7, 0],
        refund: [7, 0],
        revoke: [-7, 0],
        shortfall: [0, 0],
      });
    });
  });
});

describe('evaluateLowBalance', () => {
  describe('when armed and available falls below the threshold', () => {
    it('alerts and disarms; unarmed it stays quiet; at or above it re-arms', () => {
      expect(evaluateLowBalance({ threshold: 10, armed: true, alerted: false, available: 9 })).to.deep.equal({ armed: false, alerted: true, alert: true, recovered: false });
      expect(evaluateLowBalance({ threshold: 10, armed: false, alerted: false, available: 9 })).to.deep.equal({ armed: false, alerted: false, alert: false, recovered: false });
      expect(evaluateLowBalance({ threshold: 10, armed: false, alerted: false, available: 10 })).to.deep.equal({ armed: true, alerted: false, alert: false, recovered: false });
      expect(evaluateLowBalance({ threshold: null, armed: true, alerted: false, available: 0 })).to.deep.equal({ armed: false, alerted: false, alert: false, recovered: false });
    });
  });

  describe('when an alerted account gets back to the threshold', () => {
    it('reports the recovery once and re-arms; still below, it stays alerted', () => {
      expect(evaluateLowBalance({ threshold: 10, armed: false, alerted: true, available: 10 })).to.deep.equal({ armed: true, alerted: false, alert: false, recovered: true });
      expect(evaluateLowBalance({ threshold: 10, armed: false, alerted: true, available: 9 })).to.deep.equal({ armed: false, alerted: true, alert: false, recovered: false });
    });
  });
});
