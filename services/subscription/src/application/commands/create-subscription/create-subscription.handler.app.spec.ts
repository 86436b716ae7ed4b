import { expect } from 'chai';
import {
  aPlan,
  createTestContext,
  CUSTOMER,
  DAY_MS,
  expectRejection,
  knownCustomer,
  T0,
} from '../../testing/subscription-app.test-context';

describe('CreateSubscription', () => {
  describe('when the customer is known and the plan is in their currency', () => {
    it('creates an incomplete subscription owing period 1 and emits SubscriptionCreated', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      const plan = await aPlan(context);
      const subscription = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' });
      expect(subscription).to.include({ customerId: CUSTOMER, status: 'incomplete', cancelAtPeriodEnd: false });
      expect(subscription.plan).to.deep.equal({
        planId: plan.planId,
        version: 1,
        price: { amount: 2_900, currency: 'EUR' },
        interval: 'month',
        creditsPerPeriod: 1_000,
        creditRollover: false,
        lowBalanceThreshold: null,
      });
      expect(context.store.domainEvents()).to.deep.equal([
        {
          type: 'SubscriptionCreated',
          subscriptionId: subscription.id,
          customerId: CUSTOMER,
          occurredAt: T0,
          planId: plan.planId,
          planVersion: 1,
          status: 'incomplete',
          periodIndex: 1,
          amountDue: 2_900,
          currency: 'EUR',
          trialEndsAt: null,
        },
      ]);
    });

    it('starts a trial for a plan with trial days', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      await aPlan(context, { trialDays: 7 });
      const subscription = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' });
      expect(subscription.status).to.equal('trialing');
      expect(subscription.trialEndsAt).to.equal(new Date(T0.getTime() + 7 * DAY_MS).toISOString());
    });

    it('sells the version asked for', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      await aPlan(context);
      await context.updatePlan.execute({ code: 'pro', changes: { price: { amount: 4_900, currency: 'EUR' } } });
      const latest = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' });
      const first = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro', planVersion: 1 });
      expect([latest.plan.version, latest.plan.price.amount]).to.deep.equal([2, 4_900]);
      expect([first.plan.version, first.plan.price.amount]).to.deep.equal([1, 2_900]);
    });
  });

  describe('when the input cannot be accepted (nothing is written)', () => {
    it('refuses a customer unknown to the projection with CUSTOMER_NOT_FOUND', async () => {
      const context = createTestContext();
      await aPlan(context);
      await expectRejection(context.createSubscription.execute({ customerId: 'cus_nobody', planCode: 'pro' }), 'CUSTOMER_NOT_FOUND');
      expect(context.store.subscriptions.size).to.equal(0);
      expect(context.store.outbox).to.deep.equal([]);
    });

    it('refuses an unknown plan or version with PLAN_NOT_FOUND', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      await aPlan(context);
      await expectRejection(context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'gold' }), 'PLAN_NOT_FOUND');
      await expectRejection(
        context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro', planVersion: 9 }),
        'PLAN_NOT_FOUND',
      );
      expect(context.store.subscriptions.size).to.equal(0);
      expect(context.store.outbox).to.deep.equal([]);
    });

    it("refuses a plan priced in another currency than the customer's with CUSTOMER_CURRENCY_MISMATCH", async () => {
      const context = createTestContext();
      await knownCustomer(context, CUSTOMER, 'USD');
      await aPlan(context);
      const error = await expectRejection(
        context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' }),
        'CUSTOMER_CURRENCY_MISMATCH',
      );
      expect((error as unknown as { details: unknown }).details).to.deep.equal({
        customerId: CUSTOMER,
        customerCurrency: 'USD',
        planCurrency: 'EUR',
      });
      expect(context.store.subscriptions.size).to.equal(0);
      expect(context.store.outbox).to.deep.equal([]);
    });

    it('follows a currency change from CustomerUpdated', async () => {
      const context = createTestContext();
      await knownCustomer(context, CUSTOMER, 'USD');
      await aPlan(context);
      await context.projectCustomer.execute({ customerId: CUSTOMER, defaultCurrency: 'EUR', occurredAt: new Date(T0.getTime() + 1) });
      expect((await context.createSubscription.execute({ customerId: CUSTOMER, planCode: 'pro' })).status).to.equal('incomplete');
    });
  });
});
