import { expect } from 'chai';
import { active, aPlan, createTestContext, DAY_MS, expectRejection, nextEventId, paid } from '../../testing/subscription-app.test-context';

describe('ChangePlan', () => {
  describe('when active and the new plan costs more', () => {
    async function upgrading() {
      const context = createTestContext({});
      const subscription = await active(context, { interval: 'day', creditsPerPeriod: 100 });
      const max = await aPlan(context, { code: 'max', interval: 'day', price: { amount: 9_900, currency: 'EUR' }, creditsPerPeriod: 400 });
      context.clock.advance(DAY_MS / 4);
      const result = await context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'max' });
      return { context, subscription, max, result };
    }

    it('asks for the prorated price difference and keeps the plan until it is paid', async () => {
      const { context, result } = await upgrading();
      expect(result.outcome).to.equal('payment_pending');
      expect(result.subscription.plan.price.amount).to.equal(2_900);
      expect(result.subscription.upgrade).to.deep.include({ status: 'payment_pending', amount: 5_250, currency: 'EUR', proratedCredits: 300, failureReason: null });
      expect(context.store.outboxTypes().at(-1)).to.equal('SubscriptionUpgradeRequested');
      expect(context.store.domainEvents().at(-1)).to.deep.include({ type: 'SubscriptionUpgradeRequested', amount: 5_250, proratedCredits: 300 });
    });

    it('applies the new plan with the prorated credits once its payment succeeds with the amount asked', async () => {
      const { context, subscription, max, result } = await upgrading();
      const changeId = result.subscription.upgrade!.changeId;
      const outcome = await context.recordPaymentResult.execute({ eventId: nextEventId(), paymentId: 'pay-up', subscriptionId: subscription.id, periodIndex: 1, changeId, result: { outcome: 'succeeded', amount: 5_250, currency: 'EUR' } });
      expect(outcome).to.equal('applied');
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.plan.planId).to.equal(max.planId);
      expect(after.upgrade).to.deep.include({ status: 'applied' });
      expect(context.store.domainEvents().at(-1)).to.deep.include({ type: 'SubscriptionPlanChanged', proratedCredits: 300 });
    });

    it('keeps the old plan and says why when its payment fails, or took another amount', async () => {
      for (const result of [{ outcome: 'failed', attempt: 1, reason: 'card_declined' }, { outcome: 'succeeded', amount: 1, currency: 'EUR' }] as const) {
        const upgrade = await upgrading();
        const changeId = upgrade.result.subscription.upgrade!.changeId;
        const before = upgrade.result.subscription.plan;
        expect(await upgrade.context.recordPaymentResult.execute({ eventId: nextEventId(), paymentId: 'pay-up', subscriptionId: upgrade.subscription.id, periodIndex: 1, changeId, result })).to.equal('applied');
        const after = await upgrade.context.getSubscription.execute({ subscriptionId: upgrade.subscription.id });
        expect(after.plan).to.deep.equal(before);
        expect(after.upgrade).to.deep.include({ status: 'failed', failureReason: result.outcome === 'failed' ? 'payment_failed' : 'amount_mismatch' });
        expect(upgrade.context.store.outboxTypes().at(-1)).to.equal('SubscriptionUpgradeFailed');
        expect(upgrade.context.store.outboxTypes()).not.to.include('SubscriptionPlanChanged');
      }
    });

    it('keeps money for an upgrade that is no longer waiting as refused, applying nothing', async () => {
      const { context, subscription, result } = await upgrading();
      const changeId = result.subscription.upgrade!.changeId;
      await context.recordPaymentResult.execute({ eventId: nextEventId(), paymentId: 'pay-up', subscriptionId: subscription.id, periodIndex: 1, changeId, result: { outcome: 'failed', attempt: 1, reason: 'card_declined' } });
      const eventId = nextEventId();
      const late = await context.recordPaymentResult.execute({ eventId, paymentId: 'pay-up', subscriptionId: subscription.id, periodIndex: 1, changeId, result: { outcome: 'succeeded', amount: 5_250, currency: 'EUR' } });
      expect(late).to.equal('refused');
      expect(context.store.held.get(eventId)).to.deep.include({ status: 'refused', code: 'UPGRADE_NOT_PENDING' });
      expect(context.store.outboxTypes()).not.to.include('SubscriptionPlanChanged');
    });
  });

  describe('when active and the new plan costs less', () => {
    it('schedules it; the next RenewalDue charges the new price and its payment switches the plan', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const lite = await aPlan(context, { code: 'lite', price: { amount: 900, currency: 'EUR' }, creditsPerPeriod: 200 });
      const result = await context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'lite' });
      expect(result.outcome).to.equal('scheduled_at_period_end');
      expect(result.subscription.pendingPlan?.planId).to.equal(lite.planId);
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await context.processDue.execute();
      expect(context.store.domainEvents().at(-1)).to.deep.include({ type: 'SubscriptionRenewalDue', periodIndex: 2, amount: 900 });
      await paid(context, subscription.id, 2);
      expect(context.store.outboxTypes().slice(-2)).to.deep.equal(['SubscriptionPlanChanged', 'SubscriptionRenewed']);
      expect(context.store.domainEvents().at(-1)).to.deep.include({ credits: 200 });
    });
  });

  describe('when the change cannot be made (nothing is written)', () => {
    it('refuses another currency, an unknown plan and a canceled subscription', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await aPlan(context, { code: 'usd', price: { amount: 9_900, currency: 'USD' } });
      await aPlan(context, { code: 'yearly', interval: 'year', price: { amount: 29_900, currency: 'EUR' } });
      const outbox = context.store.outbox.length;
      await expectRejection(context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'usd' }), 'PLAN_CURRENCY_MISMATCH');
      await expectRejection(context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'yearly' }), 'PLAN_INTERVAL_MISMATCH');
      await expectRejection(context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'gold' }), 'PLAN_NOT_FOUND');
      expect(context.store.outbox.length).to.equal(outbox);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now' });
      await expectRejection(context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'pro' }), 'INVALID_TRANSITION');
    });
  });
});
