import { expect } from 'chai';
import { active, createTestContext, expectRejection, planInput } from '../../testing/subscription-app.test-context';

describe('UpdatePlan', () => {
  describe('when the plan exists', () => {
    it('adds the next version with the changes and leaves the previous one as it was', async () => {
      const context = createTestContext();
      const v1 = await context.createPlan.execute(planInput());
      const v2 = await context.updatePlan.execute({ code: 'pro', changes: { price: { amount: 3_900, currency: 'EUR' } } });
      expect(v2).to.deep.equal({ ...v1, version: 2, price: { amount: 3_900, currency: 'EUR' } });
      expect((await context.plans.findVersion(v1.planId, 1))?.toProps()).to.deep.equal(v1);
      expect((await context.getPlan.execute({ code: 'pro' })).version).to.equal(2);
      expect((await context.getPlan.execute({ code: 'pro', version: 1 })).price.amount).to.equal(2_900);
    });

    it('never rewrites the terms an existing subscription bought', async () => {
      const context = createTestContext();
      const subscription = await active(context);
      await context.updatePlan.execute({ code: 'pro', changes: { price: { amount: 3_900, currency: 'EUR' }, creditsPerPeriod: 5 } });
      const after = await context.getSubscription.execute({ subscriptionId: subscription.id });
      expect(after.plan).to.deep.equal(subscription.plan);
      expect(after.plan.version).to.equal(1);
    });

    it('lists the latest version of each plan', async () => {
      const context = createTestContext();
      await context.createPlan.execute(planInput({ code: 'pro' }));
      await context.createPlan.execute(planInput({ code: 'lite', price: { amount: 900, currency: 'EUR' } }));
      await context.updatePlan.execute({ code: 'pro', changes: { name: 'Pro 2' } });
      const listed = await context.listPlans.execute();
      expect(listed.items.map((plan) => [plan.code, plan.version, plan.name])).to.deep.equal([
        ['lite', 1, 'Pro'],
        ['pro', 2, 'Pro 2'],
      ]);
    });
  });

  describe('when the plan does not exist', () => {
    it('refuses with PLAN_NOT_FOUND', async () => {
      const context = createTestContext();
      await expectRejection(context.updatePlan.execute({ code: 'nope', changes: { name: 'x' } }), 'PLAN_NOT_FOUND');
    });
  });

  describe('when the change is invalid', () => {
    it('refuses with INVALID_PLAN and adds no version', async () => {
      const context = createTestContext();
      await context.createPlan.execute(planInput());
      await expectRejection(context.updatePlan.execute({ code: 'pro', changes: { interval: 'week' } }), 'INVALID_PLAN');
      expect(context.store.plans.size).to.equal(1);
    });
  });

  describe('when another update took the next version first', () => {
    it('refuses with PLAN_VERSION_CONFLICT', async () => {
      const context = createTestContext();
      await context.createPlan.execute(planInput());
      const [first, second] = await Promise.allSettled([
        context.updatePlan.execute({ code: 'pro', changes: { name: 'A' } }),
        context.updatePlan.execute({ code: 'pro', changes: { name: 'B' } }),
      ]);
      expect(first.status).to.equal('fulfilled');
      expect(second.status).to.equal('rejected');
      expect((second as PromiseRejectedResult).reason.code).to.equal('PLAN_VERSION_CONFLICT');
      expect(context.store.plans.size).to.equal(2);
    });
  });
});
