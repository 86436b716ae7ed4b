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
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 60, now: at(1) });
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
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(1) });
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

  describe('when an account alerted as low gets back to its threshold', () => {
    it('records CreditBalanceRecovered once, then alerts again on the next drop', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 60, { now: at(1) });
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(2) });
      grant(account, { grantId: 'g2', amount: 10, now: at(3) });
      reserve(account, 'r2', 70, { now: at(4) });
      const alarms = account.pullEvents().filter((event) => event.type === 'CreditBalanceLow' || event.type === 'CreditBalanceRecovered');
      expect(alarms.map((event) => [event.type, event.occurredAt])).to.deep.equal([
        ['CreditBalanceLow', at(1)],
        ['CreditBalanceRecovered', at(2)],
        ['CreditBalanceLow', at(4)],
      ]);
      expect(eventsOfType(alarms, 'CreditBalanceRecovered')).to.deep.equal([
        { type: 'CreditBalanceRecovered', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(2), available: 100, threshold: 50 },
      ]);
    });

    it('does not report a recovery it never alerted', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 30 });
      grant(account, { grantId: 'g2', amount: 30, now: at(1) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceRecovered')).to.deep.equal([]);
    });

    it('reports the recovery when the threshold is lowered under what is available', () => {
      const account = openAccount({ lowBalanceThreshold: 50 });
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 60, { now: at(1) });
      account.pullEvents();
      account.changeLowBalanceThreshold({ threshold: 40, now: at(2) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceRecovered').map((event) => [event.available, event.threshold])).to.deep.equal([[40, 40]]);
      account.validate();
    });
  });

  describe('when a default threshold is offered (a plan\'s)', () => {
    it('takes it when the account has none, armed to the balance without alerting', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      expect(account.adoptLowBalanceThreshold({ threshold: 20, now: at(1) })).to.equal(true);
      expect(account.balanceView().lowBalanceThreshold).to.equal(20);
      reserve(account, 'r1', 81, { now: at(2) });
      expect(eventsOfType(account.pullEvents(), 'CreditBalanceLow').map((event) => event.available)).to.deep.equal([19]);
    });

    it('keeps the account\'s own threshold', () => {
      const account = openAccount({ lowBalanceThreshold: 5 });
      expect(account.adoptLowBalanceThreshold({ threshold: 20, now: at(1) })).to.equal(false);
      expect(account.balanceView().lowBalanceThreshold).to.equal(5);
    });
  });
});
