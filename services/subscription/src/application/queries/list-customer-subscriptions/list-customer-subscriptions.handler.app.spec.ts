import { expect } from 'chai';
import { aPlan, createTestContext, CUSTOMER, expectRejection, knownCustomer } from '../../testing/subscription-app.test-context';

describe('ListCustomerSubscriptions', () => {
  describe('when walking every page', () => {
    it('returns each of the customer’s subscriptions once, newest first, ties by id, and only theirs', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      await knownCustomer(context, 'cus_other');
      const plan = await aPlan(context);
      const created: { id: string; at: number }[] = [];
      for (let i = 0; i < 7; i += 1) {
        // Two at each instant: the id breaks the tie.
        if (i % 2 === 0) context.clock.advance(1_000);
        const subscription = await context.createSubscription.execute({ customerId: CUSTOMER, planCode: plan.code });
        created.push({ id: subscription.id, at: context.clock.now().getTime() });
      }
      await context.createSubscription.execute({ customerId: 'cus_other', planCode: plan.code });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await context.listCustomerSubscriptions.execute({ customerId: CUSTOMER, limit: 3, cursor });
        seen.push(...page.data.map((subscription) => subscription.id));
        if (page.nextCursor === null) break;
        expect(page.data).to.have.length(3);
        cursor = page.nextCursor;
      }
      const expected = [...created].sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1)).map((subscription) => subscription.id);
      expect(seen).to.deep.equal(expected);
    });
  });

  describe('when the cursor is not this list’s', () => {
    it('refuses another customer’s cursor and a plans cursor with INVALID_CURSOR', async () => {
      const context = createTestContext();
      await knownCustomer(context);
      const plan = await aPlan(context);
      for (let i = 0; i < 2; i += 1) await context.createSubscription.execute({ customerId: CUSTOMER, planCode: plan.code });
      const { nextCursor } = await context.listCustomerSubscriptions.execute({ customerId: CUSTOMER, limit: 1 });
      expect(nextCursor).to.be.a('string');
      await expectRejection(context.listCustomerSubscriptions.execute({ customerId: 'cus_other', cursor: nextCursor! }), 'INVALID_CURSOR');
      const planCursor = Buffer.from(JSON.stringify([1, 'plans', 'pro'])).toString('base64url');
      await expectRejection(context.listCustomerSubscriptions.execute({ customerId: CUSTOMER, cursor: planCursor }), 'INVALID_CURSOR');
    });
  });
});
