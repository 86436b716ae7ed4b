import { expect } from 'chai';
import {
  active,
  createTestContext,
  nextEventId,
  paid,
  stored,
  subscribed,
  T0,
  UNKNOWN_ID,
} from '../../testing/subscription-app.test-context';

describe('RecordPaymentSucceeded (PaymentSucceeded, purpose SUBSCRIPTION_PERIOD)', () => {
  describe('when incomplete and period 1 is paid', () => {
    it('activates with period 1 starting now and emits SubscriptionActivated', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context);
      expect(await paid(context, subscription.id, 1)).to.equal('applied');
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.status).to.equal('active');
      expect(after.currentPeriod).to.deep.equal({ index: 1, start: T0.toISOString(), end: '2030-02-28T10:00:00.000Z' });
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated']);
    });
  });

  describe('when the period is already paid', () => {
    it('is a duplicate: nothing changes, no event (another event id for the same period)', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const version = context.store.subscriptions.get(subscription.id)!.version;
      expect(await paid(context, subscription.id, 1)).to.equal('duplicate');
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated']);
      expect(context.store.subscriptions.get(subscription.id)!.version).to.equal(version);
    });
  });

  describe('when the payment is for a period not yet due', () => {
    it('holds it (no throw, nothing lost) and the scheduler applies it once the period is due, exactly once', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const early = nextEventId();
      expect(await paid(context, subscription.id, 2, early)).to.equal('held');
      expect(await paid(context, subscription.id, 2)).to.equal('held');
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated']);

      context.clock.set(new Date(subscription.currentPeriod!.end));
      const tick = await context.processDue.execute();
      expect(tick).to.deep.include({ renewed: 1, heldApplied: 2 });
      expect(context.store.outboxTypes()).to.deep.equal([
        'SubscriptionCreated',
        'SubscriptionActivated',
        'SubscriptionRenewalDue',
        'SubscriptionRenewed',
      ]);
      expect((await stored(context, subscription.id)).currentPeriod?.index).to.equal(2);
      expect(context.store.held.get(early)?.status).to.equal('applied');
      await context.processDue.execute();
      expect(context.store.outbox.length).to.equal(4);
    });

    it('holds a payment for period 2 of an incomplete subscription until period 2 is due', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context);
      expect(await paid(context, subscription.id, 2)).to.equal('held');
      expect(await paid(context, subscription.id, 1)).to.equal('applied');
      const periodEnd = (await context.getSubscription.execute({ subscriptionId: subscription.id })).currentPeriod!.end;
      context.clock.set(new Date(periodEnd));
      await context.processDue.execute();
      expect((await stored(context, subscription.id)).currentPeriod?.index).to.equal(2);
    });
  });

  describe('when the subscription has ended', () => {
    it('keeps the payment as refused (money for an ended subscription) instead of throwing', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.cancelSubscription.execute({ subscriptionId: subscription.id, mode: 'now' });
      const eventId = nextEventId();
      expect(await paid(context, subscription.id, 2, eventId)).to.equal('refused');
      expect(context.store.held.get(eventId)).to.deep.include({ status: 'refused', code: 'INVALID_TRANSITION' });
    });
  });

  describe('when the payment took another amount than the period was charged at', () => {
    it('grants nothing and keeps the payment as refused (PAYMENT_AMOUNT_MISMATCH)', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context);
      const eventId = nextEventId();
      expect(await paid(context, subscription.id, 1, eventId, { amount: 1, currency: 'EUR' })).to.equal('refused');
      expect(context.store.held.get(eventId)).to.deep.include({ status: 'refused', code: 'PAYMENT_AMOUNT_MISMATCH' });
      expect((await stored(context, subscription.id)).status).to.equal('incomplete');
      expect(context.store.outboxTypes()).to.deep.equal(['SubscriptionCreated']);
    });
  });

  describe('when the subscription is unknown', () => {
    it('reports unknown_subscription and writes nothing', async () => {
      const context = createTestContext();
      expect(await paid(context, UNKNOWN_ID, 1)).to.equal('unknown_subscription');
      expect(context.store.outbox).to.deep.equal([]);
      expect(context.store.held.size).to.equal(0);
    });
  });
});
