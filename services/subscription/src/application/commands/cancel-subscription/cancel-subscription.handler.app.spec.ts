import { expect } from 'chai';
import { active, createTestContext, CUSTOMER, DAY_MS, expectRejection, UNKNOWN_ID } from '../../testing/subscription-app.test-context';

describe('CancelSubscription', () => {
  describe('when active, mode now', () => {
    it('cancels at once and emits SubscriptionCanceled{requested_immediately}', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      context.clock.advance(DAY_MS);
      const result = await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now' });
      expect(result.changed).to.equal(true);
      expect(result.subscription.status).to.equal('canceled');
      expect(result.subscription.cancellation).to.deep.equal({
        reason: 'requested_immediately',
        effectiveAt: context.clock.now().toISOString(),
      });
      expect(context.store.outboxTypes().at(-1)).to.equal('SubscriptionCanceled');
    });
  });

  describe('when active, mode at_period_end', () => {
    it('only marks it (no event); a repeat changes nothing', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const before = context.store.outbox.length;
      const first = await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' });
      const again = await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' });
      expect([first.changed, again.changed]).to.deep.equal([true, false]);
      expect(again.subscription).to.include({ status: 'active', cancelAtPeriodEnd: true });
      expect(context.store.outbox.length).to.equal(before);
    });

    it('ends it at the period end instead of asking for the next payment', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' });
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await context.processDue.execute();
      context.clock.advance(40 * DAY_MS);
      await context.processDue.execute();
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.status).to.equal('canceled');
      expect(after.cancellation).to.deep.equal({ reason: 'requested_at_period_end', effectiveAt: subscription.currentPeriod!.end });
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated', 'SubscriptionCanceled']);
    });
  });

  describe('when already canceled', () => {
    it('refuses with SUBSCRIPTION_ALREADY_CANCELED and writes nothing', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now' });
      const outbox = context.store.outbox.length;
      const version = context.store.subscriptions.get(subscription.id)!.version;
      for (const mode of ['now', 'at_period_end'] as const) {
        await expectRejection(context.cancelSubscription.execute({ subscriptionId: subscription.id, mode }), 'SUBSCRIPTION_ALREADY_CANCELED');
      }
      expect(context.store.outbox.length).to.equal(outbox);
      expect(context.store.subscriptions.get(subscription.id)!.version).to.equal(version);
    });
  });

  describe('when the subscription is not the caller’s to see', () => {
    it('refuses an unknown id with SUBSCRIPTION_NOT_FOUND, and another customer’s subscription under a scoped caller with FORBIDDEN, changing nothing', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await expectRejection(context.cancelSubscription.execute({ subscriptionId: UNKNOWN_ID, mode: 'now' }), 'SUBSCRIPTION_NOT_FOUND');
      await expectRejection(
        context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now', customerScope: 'cus_other' }),
        'FORBIDDEN',
      );
      expect((await context.getSubscription.execute({ subscriptionId: subscription.id })).status).to.equal('active');
      const own = await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now', customerScope: CUSTOMER });
      expect(own.subscription.status).to.equal('canceled');
    });
  });

  describe('when incomplete', () => {
    it('refuses at_period_end with INVALID_TRANSITION (no running period)', async () => {
      const context = createTestContext();
      await context.projectCustomer.execute({ customerId: CUSTOMER, defaultCurrency: 'EUR', occurredAt: context.clock.now() });
      await context.createPlan.execute({
        code: 'pro',
        name: 'Pro',
        price: { amount: 100, currency: 'EUR' },
        interval: 'day',
        creditsPerPeriod: 1,
        creditRollover: false,
        trialDays: 0,
      });
      const subscription = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' });
      await expectRejection(
        context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' }),
        'INVALID_TRANSITION',
      );
    });
  });
});
