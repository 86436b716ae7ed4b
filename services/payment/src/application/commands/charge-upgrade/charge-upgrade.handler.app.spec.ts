import { expect } from 'chai';
import { paymentTestKit, rejectionOf, typesIn } from '../../testing/payment-test-kit';
import type { ChargeUpgrade } from './charge-upgrade.command';

const upgradeRequested: ChargeUpgrade = { subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 3, changeId: 'chg-1', amount: 1_750, currency: 'EUR' };

describe('ChargeUpgrade', () => {
  describe('given SubscriptionUpgradeRequested, when the saved card is charged', () => {
    it('then it confirms one off-session intent for the prorated difference, keyed by subscription, period and change, and records PaymentSucceeded with the changeId', async () => {
      const kit = paymentTestKit();
      const result = await kit.chargeUpgrade.execute(upgradeRequested);
      expect(kit.gateway.requests()[0]).to.deep.include({ idempotencyKey: 'subscription:sub-1:period:3:upgrade:chg-1', amount: 1_750, currency: 'EUR', offSession: true, confirm: true });
      expect(kit.gateway.requests()[0]?.metadata).to.include({ purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: 'sub-1', periodIndex: '3', changeId: 'chg-1' });
      expect(result.payment).to.deep.include({ status: 'succeeded', reference: { purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: 'sub-1', periodIndex: 3, changeId: 'chg-1' } });
      expect(typesIn(kit.payments.outbox)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
      expect(kit.payments.outbox[1]).to.include({ purpose: 'SUBSCRIPTION_UPGRADE', referenceId: 'sub-1', periodIndex: 3, changeId: 'chg-1', amount: 1_750, credits: null });
    });
  });

  describe('when the card is declined', () => {
    it('then it records PaymentFailed with the changeId and the reason', async () => {
      const kit = paymentTestKit();
      kit.gateway.confirmOutcome = 'declined';
      const result = await kit.chargeUpgrade.execute(upgradeRequested);
      expect(result.payment.status).to.equal('failed');
      expect(kit.payments.outbox.at(-1)).to.include({ type: 'PaymentFailed', changeId: 'chg-1', reason: 'insufficient_funds' });
    });
  });

  describe('when the same upgrade is requested again (redelivery)', () => {
    it('then it returns the stored payment without a second charge; other terms are PAYMENT_REFERENCE_CONFLICT', async () => {
      const kit = paymentTestKit();
      const first = await kit.chargeUpgrade.execute(upgradeRequested);
      const again = await kit.chargeUpgrade.execute(upgradeRequested);
      expect([again.outcome, again.payment.paymentId, kit.gateway.intentCount]).to.deep.equal(['existing', first.payment.paymentId, 1]);
      expect(await rejectionOf(() => kit.chargeUpgrade.execute({ ...upgradeRequested, amount: 1 }))).to.include({ code: 'PAYMENT_REFERENCE_CONFLICT' });
    });
  });

  describe('when another change of the same period is charged', () => {
    it('then it is a payment of its own', async () => {
      const kit = paymentTestKit();
      await kit.chargeUpgrade.execute(upgradeRequested);
      await kit.chargeUpgrade.execute({ ...upgradeRequested, changeId: 'chg-2' });
      expect(kit.gateway.intentCount).to.equal(2);
    });
  });
});
