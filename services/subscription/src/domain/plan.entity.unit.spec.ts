import { expect } from 'chai';
import { Plan, type NewPlan } from './plan.entity';
import { Subscription } from './subscription.aggregate';
import { InvalidPlanError } from './subscription.errors';
import { aPlan, CREATED_AT, PAID_AT, PERIOD_1_END } from './subscription.test-fixtures';

const valid: NewPlan = {
  planId: 'plan-pro',
  code: 'pro',
  name: 'Pro',
  price: { amount: 2_900, currency: 'EUR' },
  interval: 'month',
  creditsPerPeriod: 1_000,
  creditRollover: false,
  trialDays: 0,
};

function invalidFields(input: NewPlan): string[] {
  try {
    Plan.create(input);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidPlanError).with.property('code', 'INVALID_PLAN');
    return (error as InvalidPlanError).issues.map((issue) => issue.field);
  }
  expect.fail('expected INVALID_PLAN');
}

describe('Plan', () => {
  describe('when created', () => {
    it('is version 1 and active', () => {
      const plan = Plan.create(valid);
      expect([plan.version, plan.active, plan.price.amount, plan.price.currency]).to.deep.equal([1, true, 2_900, 'EUR']);
    });

    it('refuses a zero, negative or fractional price', () => {
      for (const amount of [0, -100, 9.99]) {
        expect(invalidFields({ ...valid, price: { amount, currency: 'EUR' } }), String(amount)).to.deep.equal(['price.amount']);
      }
    });

    it('refuses an unknown currency and an unknown interval', () => {
      expect(invalidFields({ ...valid, price: { amount: 100, currency: 'EURO' } })).to.deep.equal(['price.currency']);
      expect(invalidFields({ ...valid, interval: 'week' })).to.deep.equal(['interval']);
    });

    it('refuses negative or fractional credits and trial days outside 0..365', () => {
      expect(invalidFields({ ...valid, creditsPerPeriod: -1 })).to.deep.equal(['creditsPerPeriod']);
      expect(invalidFields({ ...valid, creditsPerPeriod: 1.5 })).to.deep.equal(['creditsPerPeriod']);
      expect(invalidFields({ ...valid, trialDays: 366 })).to.deep.equal(['trialDays']);
      expect(invalidFields({ ...valid, trialDays: -1 })).to.deep.equal(['trialDays']);
      expect(Plan.create({ ...valid, trialDays: 365, creditsPerPeriod: 0 }).trialDays).to.equal(365);
    });

    it('takes no low-balance threshold by default, or one from 1 to 1,000,000,000 credits', () => {
      expect(Plan.create(valid).terms().lowBalanceThreshold).to.equal(null);
      expect(Plan.create({ ...valid, lowBalanceThreshold: 200 }).terms().lowBalanceThreshold).to.equal(200);
      for (const threshold of [0, -5, 2.5, 1_000_000_001]) expect(invalidFields({ ...valid, lowBalanceThreshold: threshold })).to.deep.equal(['lowBalanceThreshold']);
    });

    it('refuses an empty id, a malformed code and an empty name', () => {
      expect(invalidFields({ ...valid, planId: ' ', code: 'Pro Plan', name: '' })).to.deep.equal(['planId', 'code', 'name']);
    });

    it('reports every problem at once', () => {
      const fields = invalidFields({ ...valid, price: { amount: -1, currency: 'XXX' }, interval: 'fortnight', trialDays: 400 });
      expect(fields).to.deep.equal(['price.amount', 'price.currency', 'interval', 'trialDays']);
    });
  });

  describe('when revised (UpdatePlan)', () => {
    it('creates the next version and leaves the old one as it was', () => {
      const v1 = Plan.create(valid);
      const v2 = v1.revise({ price: { amount: 3_900, currency: 'EUR' }, creditsPerPeriod: 1_500 });
      expect([v2.planId, v2.code, v2.version, v2.price.amount, v2.creditsPerPeriod]).to.deep.equal(['plan-pro', 'pro', 2, 3_900, 1_500]);
      expect([v1.version, v1.price.amount, v1.creditsPerPeriod]).to.deep.equal([1, 2_900, 1_000]);
    });

    it('validates the new version', () => {
      expect(() => Plan.create(valid).revise({ price: { amount: 0, currency: 'EUR' } })).to.throw(InvalidPlanError);
    });

    it('never reprices existing subscriptions: they renew at the version they reference', () => {
      const v1 = aPlan();
      const subscription = Subscription.create({ subscriptionId: 'sub-1', customerId: 'cus-1', plan: v1, now: CREATED_AT });
      subscription.recordPaymentSucceeded(1, PAID_AT);
      const v2 = v1.revise({ price: { amount: 3_900, currency: 'EUR' } });
      const newcomer = Subscription.create({ subscriptionId: 'sub-2', customerId: 'cus-2', plan: v2, now: CREATED_AT });
      subscription.pullEvents();

      subscription.markRenewalDue(PERIOD_1_END);
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionRenewalDue', planVersion: 1, amount: 2_900 });
      expect(newcomer.pullEvents()[0]).to.include({ type: 'SubscriptionCreated', planVersion: 2, amountDue: 3_900 });
    });
  });

  describe('when deactivated', () => {
    it('keeps its version and terms but sells no more', () => {
      const plan = Plan.create(valid).deactivate();
      expect([plan.version, plan.active]).to.deep.equal([1, false]);
      expect(Plan.reconstitute(plan.toProps())).to.deep.equal(plan);
    });
  });

  describe('when reconstituted', () => {
    it('validates the stored row like input', () => {
      expect(() => Plan.reconstitute({ ...valid, lowBalanceThreshold: null, version: 0, active: true })).to.throw(InvalidPlanError);
    });
  });
});
