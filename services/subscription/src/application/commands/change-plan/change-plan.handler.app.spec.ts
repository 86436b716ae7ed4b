import { expect } from 'chai';
import { active, aPlan, createTestContext, DAY_MS, expectRejection, paid } from '../../testing/subscription-app.test-context';

describe('ChangePlan', () => {
  describe('when active and the new plan costs more', () => {
    it('applies now and emits SubscriptionPlanChanged with prorated credits', async () => {
      const context = createTestContext({});
      const subscription = await active(context, { interval: 'day', creditsPerPeriod: 100 });
      const max = await aPlan(context, { code: 'max', interval: 'day', price: { amount: 9_900, currency: 'EUR' }, creditsPerPeriod: 400 });
      context.clock.advance(DAY_MS / 4);
      const result = await context.changePlan.execute({ subscriptionId: subscription.id, planCode: 'max' });
      expect(result.outcome).to.equal('applied_now');
      expect(result.subscription.plan.planId).to.equal(max.planId);
      const changed = context.store.domainEvents().at(-1);
      expect(changed).to.deep.include({ type: 'SubscriptionPlanChanged', proratedCredits: 300 });
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
