import { expect } from 'chai';
import type { SubscriptionDomainEvent } from '../../../domain/events/subscription.domain-event';
import {
  active,
  createTestContext,
  CUSTOMER,
  DAY_MS,
  failed,
  HOUR_MS,
  paid,
  stored,
  subscribed,
  T0,
} from '../../testing/subscription-app.test-context';

const ofType = <T extends SubscriptionDomainEvent['type']>(events: SubscriptionDomainEvent[], type: T) =>
  events.filter((event): event is Extract<SubscriptionDomainEvent, { type: T }> => event.type === type);

describe('ProcessDueSubscriptions (the scheduler tick)', () => {
  describe('when a monthly subscription runs for a year, ticking every 6 hours', () => {
    it('asks for each period once (12 RenewalDue) and renews each paid period once (12 Renewed)', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const end = new Date('2031-02-15T00:00:00.000Z'); // inside period 13 (Jan 31 – Feb 28, 2031)
      while (context.clock.now() < end) {
        context.clock.advance(6 * HOUR_MS);
        await context.processDue.execute();
        const current = await stored(context, subscription.id);
        const due = current.toState().lastDuePeriodIndex;
        if (due > (current.currentPeriod?.index ?? 0)) {
          await paid(context, subscription.id, due);
          await paid(context, subscription.id, due); // redelivered under another event id
        }
      }
      const events = context.store.domainEvents();
      expect(ofType(events, 'SubscriptionRenewalDue').map((event) => event.periodIndex)).to.deep.equal(
        Array.from({ length: 12 }, (_, i) => i + 2),
      );
      expect(ofType(events, 'SubscriptionRenewed').map((event) => event.period.index)).to.deep.equal(
        Array.from({ length: 12 }, (_, i) => i + 2),
      );
      // Anchored on Jan 31: month ends clamp and come back (Feb 28, Mar 31, Apr 30 …).
      expect(ofType(events, 'SubscriptionRenewed').slice(0, 3).map((event) => event.period.start.toISOString())).to.deep.equal([
        '2030-02-28T10:00:00.000Z',
        '2030-03-31T10:00:00.000Z',
        '2030-04-30T10:00:00.000Z',
      ]);
    });
  });

  describe('when a renewal charge keeps failing', () => {
    it('requests retries on the dunning schedule (attempts 2, 3, 4 after 1, 3, 5 days), once each, then cancels', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      const periodEnd = new Date(subscription.currentPeriod!.end);
      context.clock.set(periodEnd);
      await context.processDue.execute();
      await failed(context, subscription.id, 2, 1);

      const retryAt: string[] = [];
      for (const [days, attempt] of [[1, 2], [3, 3], [5, 4]] as const) {
        context.clock.advance(days * DAY_MS - HOUR_MS);
        await context.processDue.execute();
        expect(context.store.retries().length, `attempt ${attempt} not before its time`).to.equal(attempt - 2);
        context.clock.advance(HOUR_MS);
        await context.processDue.execute();
        await context.processDue.execute();
        expect(context.store.retries().length, `attempt ${attempt} requested once`).to.equal(attempt - 1);
        retryAt.push(context.clock.now().toISOString());
        await failed(context, subscription.id, 2, attempt);
      }
      expect(context.store.retries().map((charge) => [charge.periodIndex, charge.attempt, charge.amount])).to.deep.equal([
        [2, 2, 2_900],
        [2, 3, 2_900],
        [2, 4, 2_900],
      ]);
      expect(context.store.retries()[0]).to.deep.include({
        periodStart: periodEnd,
        periodEnd: new Date('2030-03-31T10:00:00.000Z'),
        customerId: CUSTOMER,
      });
      expect(retryAt).to.deep.equal(
        [1, 4, 9].map((days) => new Date(periodEnd.getTime() + days * DAY_MS).toISOString()),
      );
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.status).to.equal('canceled');
      expect(after.cancellation?.reason).to.equal('dunning_exhausted');
      expect(context.store.outboxTypes().filter((type) => type === 'SubscriptionPastDue')).to.have.length(3);
    });

    it('recovers when a retry is paid', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      context.clock.set(new Date(subscription.currentPeriod!.end));
      await context.processDue.execute();
      await failed(context, subscription.id, 2, 1);
      context.clock.advance(DAY_MS);
      await context.processDue.execute();
      await paid(context, subscription.id, 2);
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after).to.deep.include({ status: 'active', dunning: null });
      expect(after.currentPeriod?.index).to.equal(2);
    });
  });

  describe('when an incomplete subscription stays unpaid', () => {
    it('expires it 23 h after creation, not before', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context);
      context.clock.set(new Date(T0.getTime() + 23 * HOUR_MS - 1));
      expect((await context.processDue.execute()).expired).to.equal(0);
      context.clock.advance(1);
      expect((await context.processDue.execute()).expired).to.equal(1);
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.status).to.equal('incomplete_expired');
      expect(context.store.outboxTypes().at(-1)).to.equal('SubscriptionCanceled');
    });
  });

  describe('when more subscriptions are due than one batch holds', () => {
    it('handles them all in one tick, each once', async () => {
      const context = createTestContext(); // batch size 2
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await active(context, { code: `plan-${i}` })).id);
      context.clock.advance(31 * DAY_MS);
      expect((await context.processDue.execute()).renewed).to.equal(5);
      expect((await context.processDue.execute()).renewed).to.equal(0);
      const due = ofType(context.store.domainEvents(), 'SubscriptionRenewalDue').map((event) => event.subscriptionId);
      expect(due.sort()).to.deep.equal([...ids].sort());
    });
  });

  describe('when a trial ends', () => {
    it('asks for period 1; its payment activates the subscription', async () => {
      const context = createTestContext();
      const subscription = await subscribed(context, { trialDays: 3 });
      context.clock.set(new Date(subscription.trialEndsAt!));
      await context.processDue.execute();
      expect(context.store.domainEvents().at(-1)).to.deep.include({ type: 'SubscriptionRenewalDue', periodIndex: 1 });
      await paid(context, subscription.id, 1);
      expect((await context.getSubscription.execute({ subscriptionId: subscription.id })).status).to.equal('active');
    });
  });
});
