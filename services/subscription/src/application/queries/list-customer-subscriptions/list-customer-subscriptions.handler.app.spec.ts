import { expect } from 'chai';
import type { SubscriptionListPosition } from '../../ports/subscription-queries.port';
import { aPlan, createTestContext, CUSTOMER, knownCustomer } from '../../testing/subscription-app.test-context';

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
      let after: SubscriptionListPosition | undefined;
      for (;;) {
        const page = await context.listCustomerSubscriptions.execute({ customerId: CUSTOMER, limit: 3, after });
        seen.push(...page.items.map((subscription) => subscription.id));
        if (page.next === null) break;
        expect(page.items).to.have.length(3);
        expect(page.next.subscriptionId).to.equal(page.items.at(-1)!.id);
        after = page.next;
      }
      const expected = [...created].sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1)).map((subscription) => subscription.id);
      expect(seen).to.deep.equal(expected);
    });
  });
});
