import { expect } from 'chai';
import { createTestContext, expectRejection, planInput } from '../../testing/subscription-app.test-context';

describe('ListPlans', () => {
  describe('when walking every page', () => {
    it('returns the latest version of each plan once, by code, and no next position on the last page', async () => {
      const context = createTestContext();
      for (const code of ['e', 'a', 'd', 'c', 'b']) await context.createPlan.execute(planInput({ code }));
      await context.updatePlan.execute({ code: 'c', changes: { name: 'C 2' } });
      const pages: string[][] = [];
      let afterCode: string | undefined;
      for (;;) {
        const page = await context.listPlans.execute({ limit: 2, afterCode });
        pages.push(page.items.map((plan) => `${plan.code}@${plan.version}`));
        if (page.next === null) break;
        afterCode = page.next;
      }
      expect(pages).to.deep.equal([['a@1', 'b@1'], ['c@2', 'd@1'], ['e@1']]);
    });

    it('answers an empty page for no plans, and defaults to 50 a page', async () => {
      const context = createTestContext();
      expect(await context.listPlans.execute()).to.deep.equal({ items: [], next: null });
      for (let i = 0; i < 51; i += 1) await context.createPlan.execute(planInput({ code: `p${String(i).padStart(2, '0')}` }));
      const first = await context.listPlans.execute();
      expect([first.items.length, first.next]).to.deep.equal([50, 'p49']);
      expect((await context.listPlans.execute({ afterCode: first.next! })).items.map((plan) => plan.code)).to.deep.equal(['p50']);
    });
  });

  describe('when the limit is out of range', () => {
    it('refuses it with INVALID_ARGUMENT', async () => {
      const context = createTestContext();
      for (const limit of [0, 101, 2.5]) await expectRejection(context.listPlans.execute({ limit }), 'INVALID_ARGUMENT');
    });
  });
});
