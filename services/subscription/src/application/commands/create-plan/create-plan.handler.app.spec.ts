import { expect } from 'chai';
import { createTestContext, expectRejection, planInput } from '../../testing/subscription-app.test-context';

describe('CreatePlan', () => {
  describe('when the code is new', () => {
    it('stores version 1, active, with the given terms', async () => {
      const context = createTestContext();
      const plan = await context.createPlan.execute(planInput({ code: 'pro', trialDays: 14 }));
      expect(plan).to.deep.equal({
        planId: '00000000-0000-4000-8000-000000000001',
        code: 'pro',
        version: 1,
        name: 'Pro',
        price: { amount: 2_900, currency: 'EUR' },
        interval: 'month',
        creditsPerPeriod: 1_000,
        creditRollover: false,
        trialDays: 14,
        active: true,
        lowBalanceThreshold: null,
      });
      expect((await context.plans.findLatestByCode('pro'))?.toProps()).to.deep.equal(plan);
    });
  });

  describe('when the code is taken', () => {
    it('refuses with PLAN_CODE_TAKEN and stores nothing more', async () => {
      const context = createTestContext();
      await context.createPlan.execute(planInput());
      await expectRejection(context.createPlan.execute(planInput({ name: 'Other' })), 'PLAN_CODE_TAKEN');
      expect(context.store.plans.size).to.equal(1);
    });
  });

  describe('when the terms are invalid', () => {
    it('refuses a negative price and an unknown interval with INVALID_PLAN naming both', async () => {
      const context = createTestContext();
      const error = await expectRejection(
        context.createPlan.execute(planInput({ price: { amount: -100, currency: 'EUR' }, interval: 'fortnight' })),
        'INVALID_PLAN',
      );
      const fields = (error as unknown as { issues: { field: string }[] }).issues.map((issue) => issue.field);
      expect(fields).to.deep.equal(['price.amount', 'interval']);
      expect(context.store.plans.size).to.equal(0);
    });

    it('refuses an unsupported currency', async () => {
      const context = createTestContext();
      await expectRejection(context.createPlan.execute(planInput({ price: { amount: 100, currency: 'XXX' } })), 'INVALID_PLAN');
      expect(context.store.plans.size).to.equal(0);
    });
  });
});
