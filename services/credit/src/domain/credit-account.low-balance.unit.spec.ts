import { expect } from 'chai';
import { at, eventsOfType, expectDomainError, grant, openAccount, reserve } from './credit-account.test-fixtures';

describe('CreditAccount', () => {
  describe('when available drops below the low-balance threshold', () => {
    it('records CreditBalanceLow once with the available amount and threshold', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 60, { now: at(1) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([
        { type: 'CreditBalanceLow', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(1), available: 40, threshold: 50 },
      ]);
    });

    it('does not fire again while available stays below', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 60);
      account.pullEvents();
      reserve(account, 'r2', 10);
      account.capture({ reservationId: 'r1', amount: 60, now: at(1) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([]);
    });

    it('does not fire when available lands exactly on the threshold', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 50);
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([]);
    });

    it('fires when an expiry is what crosses it', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'promo', amount: 80, expiresAt: at(60) });
      grant(account, { grantId: 'paid', amount: 20 });
      account.pullEvents();
      account.expireGrants(at(60));
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow').map((event) => event.available)).to.deep.equal([20]);
    });
  });

  describe('when available climbs back to the threshold and drops again', () => {
    it('fires again: each downward crossing alerts once', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 60);
      account.release({ reservationId: 'r1', now: at(1) });
      reserve(account, 'r2', 51, { now: at(2) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow').map((event) => event.available)).to.deep.equal([40, 49]);
    });
  });

  describe('when a new account is still below its threshold', () => {
    it('does not alert until available has once reached the threshold', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 30 });
      reserve(account, 'r1', 10);
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([]);
    });
  });

  describe('when the threshold changes', () => {
    it('re-arms to the current balance without alerting', () => {
      const account = openAccount({ lowBalanceThreshold: 10 });
      grant(account, { grantId: 'g1', amount: 100 });
      account.changeLowBalanceThreshold({ threshold: 200, now: at(1) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([]);
      account.changeLowBalanceThreshold({ threshold: 90, now: at(2) });
      reserve(account, 'r1', 20, { now: at(3) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow').map((event) => event.threshold)).to.deep.equal([90]);
    });

    it('switches alerts off with null', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      account.changeLowBalanceThreshold({ threshold: null, now: at(1) });
      reserve(account, 'r1', 90, { now: at(2) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow')).to.deep.equal([]);
      expect(account.balanceView().lowBalanceThreshold).to.equal(null);
    });

    it('rejects a threshold that is not a credit amount', () => {
      expectDomainError(() => openAccount().changeLowBalanceThreshold({ threshold: -1, now: at(1) }), 'INVALID_AMOUNT');
    });
  });
});
