import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  activeSubscription,
  DAY_MS,
  HOUR_MS,
  paymentFailed,
  paymentSucceeded,
  registeredCustomer,
  createdPlan,
  startTestService,
  subscriptionWhen,
  until,
  type DecodedEvent,
  type TestService,
} from './subscription-service.test-harness';

const ofType = (events: DecodedEvent[], type: string) => events.filter((event) => event.eventType === type).map((event) => event.payload);

/**
 * The real service in-process (scheduler ticking every 20 ms on a manual clock), fed with PaymentSucceeded /
 * PaymentFailed written to billing.payment.v1 as the payment service would, read back from billing.subscription.v1.
 */
describe('Renewals on a manual clock (real PostgreSQL, Kafka, registry)', function () {
  this.timeout(60_000);
  let t: TestService;

  before(async () => {
    t = await startTestService({ start: new Date('2030-01-31T10:00:00.000Z') });
  });
  after(async () => {
    await t?.dispose();
  });

  async function drained(subscriptionId: string): Promise<void> {
    await until(
      async () => (await t.pool.query('select 1 from outbox where aggregate_id = $1 and published_at is null', [subscriptionId])).rowCount,
      (rows) => rows === 0,
      'the outbox to be published',
    );
  }

  describe('when a monthly subscription runs for a year and payments arrive twice and out of order', () => {
    it('emits 12 SubscriptionRenewalDue and 12 SubscriptionRenewed, exactly one per period', async () => {
      const { id, customerId } = await activeSubscription(t);
      const published: string[] = [];
      const pay = async (periodIndex: number, eventId = randomUUID()) => {
        published.push(await t.publish('PaymentSucceeded', id, paymentSucceeded(id, customerId, periodIndex), eventId));
        return eventId;
      };
      // Paid before their RenewalDue: held, then applied when the period is due. Period 3 is also redelivered.
      const paidAhead = new Set([3, 6]);
      const early = await pay(3);
      await pay(3, early);
      await pay(6);

      for (let k = 2; k <= 13; k += 1) {
        const current = await subscriptionWhen(t, id, (s) => s.currentPeriod.index === k - 1, `period ${k - 1}`);
        t.clock.set(new Date(current.currentPeriod.end));
        if (!paidAhead.has(k)) {
          await subscriptionWhen(t, id, (s) => s.renewalDueAt === null, `RenewalDue for period ${k}`);
          if (k % 2 === 0 && k < 13 && !paidAhead.has(k + 1)) {
            await pay(k + 1); // the next period's payment first: out of order
            paidAhead.add(k + 1);
          }
          const eventId = await pay(k);
          await pay(k, eventId); // redelivered: the same event again
          await pay(k - 1); // a second payment event for the previous, already renewed period
        }
        await subscriptionWhen(t, id, (s) => s.currentPeriod.index === k, `period ${k} renewed`);
      }

      await t.processed(published);
      expect(await t.outboxCounts(id)).to.deep.equal({
        SubscriptionCreated: 1,
        SubscriptionActivated: 1,
        SubscriptionRenewalDue: 12,
        SubscriptionRenewed: 12,
      });
      await drained(id);
      const events = await t.subscriptionEvents(id, 26);
      const periods = Array.from({ length: 12 }, (_, i) => i + 2);
      expect(ofType(events, 'SubscriptionRenewalDue').map((e) => e.periodIndex).sort((a, b) => a - b)).to.deep.equal(periods);
      expect(ofType(events, 'SubscriptionRenewalDue').every((e) => e.attempt === 1)).to.equal(true);
      expect(ofType(events, 'SubscriptionRenewed').map((e) => e.periodIndex).sort((a, b) => a - b)).to.deep.equal(periods);
      expect(ofType(events, 'SubscriptionActivated')).to.have.length(1);
      const held = await t.pool.query("select period_index from held_payment_results where subscription_id = $1 and status = 'applied' order by 1", [id]);
      // The early payments were held, then applied at their renewal (the redelivered one never reached the handler).
      expect(held.rows.map((row) => row.period_index)).to.deep.equal([3, 5, 6, 9, 11, 13]);
    });
  });

  describe('when the renewal charge fails every time', () => {
    it('goes past_due, asks for dunning attempts 2, 3 and 4 after 1, 3 and 5 days, then cancels', async () => {
      const { id, customerId, view } = await activeSubscription(t, { interval: 'day' });
      const periodEnd = new Date(view.currentPeriod.end);
      t.clock.set(periodEnd);
      await subscriptionWhen(t, id, (s) => s.renewalDueAt === null, 'RenewalDue for period 2');
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        if (attempt > 1) {
          const pastDue = await subscriptionWhen(t, id, (s) => s.dunning?.attempt === attempt - 1, `past due after attempt ${attempt - 1}`);
          t.clock.set(new Date(pastDue.dunning.nextAttemptAt));
          await until(
            async () => (await t.pool.query('select 1 from renewal_requests where subscription_id = $1 and period_index = 2 and attempt = $2', [id, attempt])).rowCount,
            (rows) => rows === 1,
            `attempt ${attempt} requested`,
          );
        }
        await t.publish('PaymentFailed', id, paymentFailed(id, customerId, 2, attempt));
      }
      const canceled = await subscriptionWhen(t, id, (s) => s.status === 'canceled', 'canceled');
      expect(canceled.cancellation.reason).to.equal('dunning_exhausted');

      expect(await t.outboxCounts(id)).to.deep.equal({
        SubscriptionCreated: 1,
        SubscriptionActivated: 1,
        SubscriptionRenewalDue: 4,
        SubscriptionPastDue: 3,
        SubscriptionCanceled: 1,
      });
      await drained(id);
      const events = await t.subscriptionEvents(id, 10);
      expect(ofType(events, 'SubscriptionRenewalDue').map((e) => [e.periodIndex, e.attempt])).to.deep.equal([
        [2, 1],
        [2, 2],
        [2, 3],
        [2, 4],
      ]);
      const pastDue = ofType(events, 'SubscriptionPastDue');
      expect(pastDue.map((e) => e.attempt)).to.deep.equal([1, 2, 3]);
      // Each retry is due 1, 3, then 5 days after the failure before it.
      expect(pastDue.map((e) => (Date.parse(e.nextAttemptAt) - Date.parse(e.occurredAt)) / DAY_MS)).to.deep.equal([1, 3, 5]);
      expect(ofType(events, 'SubscriptionCanceled')[0]).to.include({ reason: 'dunning_exhausted', status: 'canceled', lastPaidPeriodIndex: 1 });
    });
  });

  describe('when canceled at period end', () => {
    it('ends at the period end and never asks for another renewal', async () => {
      const { id, view } = await activeSubscription(t, { interval: 'day' });
      const key = randomUUID();
      const canceled = await t.api('POST', `/v1/subscriptions/${id}/cancel`, { mode: 'at_period_end' }, { 'idempotency-key': key });
      expect(canceled.body).to.include({ status: 'active', cancelAtPeriodEnd: true });
      const replay = await t.api('POST', `/v1/subscriptions/${id}/cancel`, { mode: 'at_period_end' }, { 'idempotency-key': key });
      expect(replay.body).to.deep.equal(canceled.body);

      t.clock.set(new Date(view.currentPeriod.end));
      const ended = await subscriptionWhen(t, id, (s) => s.status === 'canceled', 'canceled at period end');
      expect(ended.cancellation).to.deep.equal({ reason: 'requested_at_period_end', effectiveAt: view.currentPeriod.end });
      t.clock.advance(5 * DAY_MS);
      await t.service.scheduler.runOnce();
      await t.service.scheduler.runOnce();

      expect(await t.outboxCounts(id)).to.deep.equal({ SubscriptionCreated: 1, SubscriptionActivated: 1, SubscriptionCanceled: 1 });
      await drained(id);
      const events = await t.subscriptionEvents(id, 3);
      expect(events.map((e) => e.eventType)).to.deep.equal(['SubscriptionCreated', 'SubscriptionActivated', 'SubscriptionCanceled']);
      expect(ofType(events, 'SubscriptionRenewalDue')).to.deep.equal([]);
    });
  });

  describe('when an incomplete subscription stays unpaid for 23 h', () => {
    it('expires it (SubscriptionCanceled{incomplete_expired})', async () => {
      const customerId = await registeredCustomer(t);
      const { code } = await createdPlan(t);
      const created = await t.write('/v1/subscriptions', { customerId, planCode: code });
      t.clock.advance(22 * HOUR_MS);
      await t.service.scheduler.runOnce();
      expect((await t.api('GET', `/v1/subscriptions/${created.body.id}`)).body.status).to.equal('incomplete');
      t.clock.advance(HOUR_MS);
      const expired = await subscriptionWhen(t, created.body.id, (s) => s.status === 'incomplete_expired', 'expired');
      expect(expired.cancellation.reason).to.equal('incomplete_expired');
      expect(await t.outboxCounts(created.body.id)).to.deep.equal({ SubscriptionCreated: 1, SubscriptionCanceled: 1 });
    });
  });
});
