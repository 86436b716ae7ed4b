import { expect } from 'chai';
import { active, createTestContext, expectRejection } from '../../testing/subscription-app.test-context';

describe('ResumeSubscription', () => {
  describe('when a cancel at period end is pending', () => {
    it('withdraws it, so the period end asks for the next payment again', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' });
      const result = await context.resumeSubscription.execute({ subscriptionId: subscription.id });
      expect(result.changed).to.equal(true);
      expect(result.subscription.cancelAtPeriodEnd).to.equal(false);
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await context.processDue.execute();
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated', 'SubscriptionRenewalDue']);
    });
  });

  describe('when nothing is pending', () => {
    it('changes nothing', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const result = await context.resumeSubscription.execute({ subscriptionId: subscription.id });
      expect(result.changed).to.equal(false);
      expect(context.store.subscriptions.get(subscription.id)!.version).to.equal(2);
    });
  });

  describe('when the period has ended', () => {
    it('refuses with INVALID_TRANSITION, and with SUBSCRIPTION_ALREADY_CANCELED once canceled', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'at_period_end' });
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await expectRejection(context.resumeSubscription.execute({ subscriptionId: subscription.id }), 'INVALID_TRANSITION');
      await context.processDue.execute();
      await expectRejection(context.resumeSubscription.execute({ subscriptionId: subscription.id }), 'SUBSCRIPTION_ALREADY_CANCELED');
    });
  });
});
