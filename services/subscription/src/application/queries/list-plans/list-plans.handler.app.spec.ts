import { expect } from 'chai';
import { createTestContext, expectRejection, planInput } from '../../testing/subscription-app.test-context';

describe('ListPlans', () => {
  describe('when walking every page', () => {
    it('returns the latest version of each plan once, by code, and nextCursor null on the last page', async () => {
      const context = createTestContext();
      for (const code of ['e', 'a', 'd', 'c', 'b']) await context.createPlan.execute(planInput({ code }));
      await context.updatePlan.execute({ code: 'c', changes: { name: 'C 2' } });
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await context.listPlans.execute({ limit: 2, cursor });
        pages.push(page.data.map((plan) => `${plan.code}@${plan.version}`));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(pages).to.deep.equal([['a@1', 'b@1'], ['c@2', 'd@1'], ['e@1']]);
    });

    it('answers an empty page for no plans, and defaults to 50 a page', async () => {
      const context = createTestContext();
      expect(await context.listPlans.execute()).to.deep.equal({ data: [], nextCursor: null });
      for (let i = 0; i < 51; i += 1) await context.createPlan.execute(planInput({ code: `p${String(i).padStart(2, '0')}` }));
      const first = await context.listPlans.execute();
      expect(first.data).to.have.length(50);
      expect((await context.listPlans.execute({ cursor: first.nextCursor! })).data.map((plan) => plan.code)).to.deep.equal(['p50']);
    });
  });

  describe('when the paging input is invalid', () => {
    it('refuses a limit outside 1..100 with INVALID_ARGUMENT, and a cursor it did not issue with INVALID_CURSOR', async () => {
      const context = createTestContext();
      for (const limit of [0, 101, 2.5]) await expectRejection(context.listPlans.execute({ limit }), 'INVALID_ARGUMENT');
      const foreign = Buffer.from(JSON.stringify([1, 'customer-subscriptions', 'cus', '2030-01-01T00:00:00.000Z', 'sub'])).toString('base64url');
      for (const cursor of ['', 'not a cursor', 'bm9wZQ', foreign]) await expectRejection(context.listPlans.execute({ cursor }), 'INVALID_CURSOR');
    });
  });
});
