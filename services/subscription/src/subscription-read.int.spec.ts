import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createLogger } from '@billing/platform';
import {
  activeSubscription,
  createdPlan,
  DAY_MS,
  paymentFailed,
  startTestService,
  subscriptionWhen,
  type TestService,
} from './subscription-service.test-harness';

/**
 * What an operator reads of a subscription (status, current period, next renewal, dunning), the same in the read and
 * in the customer's list; and that cancel / resume / change-plan record who asked, in the log and the outbox.
 */
describe('Subscription read and operator changes (real PostgreSQL, Kafka, registry)', function () {
  this.timeout(60_000);
  let t: TestService;
  const logLines: string[] = [];

  before(async () => {
    const logger = createLogger('subscription-read-test', 'info', { write: (line: string) => void logLines.push(line) });
    t = await startTestService({ start: new Date('2030-01-31T10:00:00.000Z'), overrides: { logger } });
  });
  after(async () => {
    await t?.dispose();
  });

  const listed = async (customerId: string, id: string) =>
    ((await t.api('GET', `/v1/customers/${customerId}/subscriptions`)).body.data as { id: string }[]).find((item) => item.id === id);

  describe('when active', () => {
    it('shows the current period and the next renewal at its end, no dunning; the customer list shows the same', async () => {
      const { id, customerId, view } = await activeSubscription(t, { interval: 'day' });
      expect(view).to.include({ status: 'active', cancelAtPeriodEnd: false, dunning: null });
      expect(view.currentPeriod.index).to.equal(1);
      expect(Date.parse(view.currentPeriod.end) - Date.parse(view.currentPeriod.start)).to.equal(DAY_MS);
      expect(view.renewalDueAt).to.equal(view.currentPeriod.end);
      expect(await listed(customerId, id)).to.deep.equal(view);
    });
  });

  describe('when the renewal charge failed', () => {
    it('shows past_due, no renewal due, and the dunning attempt with the next retry; the customer list shows the same', async () => {
      const { id, customerId, view } = await activeSubscription(t, { interval: 'day' });
      t.clock.set(new Date(view.currentPeriod.end));
      await subscriptionWhen(t, id, (s) => s.renewalDueAt === null, 'RenewalDue for period 2');
      await t.publish('PaymentFailed', id, paymentFailed(id, customerId, 2, 1));

      const pastDue = await subscriptionWhen(t, id, (s) => s.status === 'past_due', 'past due');
      expect(pastDue.renewalDueAt).to.equal(null);
      expect(pastDue.currentPeriod).to.deep.equal(view.currentPeriod);
      expect(pastDue.dunning).to.include({ periodIndex: 2, attempt: 1 });
      expect(Date.parse(pastDue.dunning.nextAttemptAt)).to.be.greaterThan(Date.parse(view.currentPeriod.end));
      expect(await listed(customerId, id)).to.deep.equal(pastDue);
    });
  });

  describe('when an operator cancels, resumes and changes the plan (Billing-Actor: console:bob)', () => {
    it('logs each change with the actor, and its outbox rows carry the actor', async () => {
      const { id } = await activeSubscription(t);
      const cheaper = await createdPlan(t, { price: { amount: 900, currency: 'EUR' } });
      const asBob = () => ({ 'idempotency-key': randomUUID(), 'billing-actor': 'console:bob' });

      const canceled = await t.api('POST', `/v1/subscriptions/${id}/cancel`, { mode: 'at_period_end' }, asBob());
      const resumed = await t.api('POST', `/v1/subscriptions/${id}/resume`, undefined, asBob());
      const changed = await t.api('POST', `/v1/subscriptions/${id}/change-plan`, { planCode: cheaper.code }, asBob());
      // Only an immediate cancel writes an event (the others change what happens at the period end).
      const ended = await t.api('POST', `/v1/subscriptions/${id}/cancel`, { mode: 'now' }, asBob());
      expect([canceled.status, resumed.status, changed.status, ended.status], JSON.stringify(changed.body)).to.deep.equal([200, 200, 200, 200]);

      const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.subscriptionId === id && entry.actor === 'console:bob');
      expect(logged.map((entry) => entry.msg)).to.deep.equal([
        'subscription cancel requested',
        'subscription resumed',
        'subscription plan change requested',
        'subscription cancel requested',
      ]);
      const { rows } = await t.pool.query<{ event_type: string; actor: string | null }>(
        "select event_type, headers->>'actor' as actor from outbox where aggregate_id = $1 and event_type not in ('SubscriptionCreated', 'SubscriptionActivated') order by seq",
        [id],
      );
      expect(rows).to.deep.equal([{ event_type: 'SubscriptionCanceled', actor: 'console:bob' }]);
    });
  });
});
