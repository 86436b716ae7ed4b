import { expect } from 'chai';
import { active, createTestContext, DAY_MS, failed, subscribed } from '../../testing/subscription-app.test-context';

describe('RecordPaymentFailed (PaymentFailed, purpose SUBSCRIPTION_PERIOD)', () => {
  describe('when the renewal charge (attempt 1) fails', () => {
    it('goes past_due and schedules attempt 2 a day later (SubscriptionPastDue)', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const periodEnd = new Date(subscription.currentPeriod!.end);
      context.clock.set(periodEnd);
      await context.processDue.execute();
      expect(await failed(context, subscription.id, 2, 1)).to.equal('applied');
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.status).to.equal('past_due');
      expect(after.dunning).to.deep.equal({
        periodIndex: 2,
        attempt: 1,
        nextAttemptAt: new Date(periodEnd.getTime() + DAY_MS).toISOString(),
      });
      expect(context.store.outboxTypes().at(-1)).to.equal('SubscriptionPastDue');
      expect(await failed(context, subscription.id, 2, 1)).to.equal('duplicate');
    });
  });

  describe('when the first payment of an incomplete subscription fails', () => {
    it('stays incomplete (the customer retries at checkout)', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context);
      expect(await failed(context, subscription.id, 1, 1)).to.equal('duplicate');
      expect((await context.getSubscription.execute({ subscriptionId: subscription.id })).status).to.equal('incomplete');
    });
  });

  describe('when the failure is for a period not yet due', () => {
    it('holds it and applies it after that period’s RenewalDue', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      expect(await failed(context, subscription.id, 2, 1)).to.equal('held');
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await context.processDue.execute();
      expect((await context.getSubscription.execute({ subscriptionId: subscription.id })).status).to.equal('past_due');
      expect(context.store.outboxTypes().slice(-2)).to.deep.equal(['SubscriptionRenewalDue', 'SubscriptionPastDue']);
    });
  });
});
