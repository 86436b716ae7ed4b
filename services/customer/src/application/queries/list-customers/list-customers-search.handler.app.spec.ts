import { expect } from 'chai';
import { type TestContext, createTestContext, expectRejection, registered } from '../../testing/customer-app.test-context';

/** Three customers matching "lov" by email, name or external account id, and one that does not. */
async function givenCustomers(): Promise<TestContext> {
  const context = createTestContext();
  await registered(context, { externalAccountId: 'acct-1', email: 'ada@example.com', name: 'Ada LOVELACE' });
  context.clock.advance(1_000);
  await registered(context, { externalAccountId: 'acct-2', email: 'lovable@example.com', name: null });
  context.clock.advance(1_000);
  await registered(context, { externalAccountId: 'Glove-3', email: 'grace@example.com', name: 'Grace' });
  context.clock.advance(1_000);
  await registered(context, { externalAccountId: 'acct-4', email: 'alan@example.com', name: 'Alan' });
  return context;
}

describe('ListCustomers with a search query', () => {
  describe('when the text is part of an email, a name or an external account id', () => {
    it('finds each, ignoring case, in registration order, paged by cursor', async () => {
      const context = await givenCustomers();
      const first = await context.listCustomers.execute({ query: 'LoV', limit: 2 });
      expect(first.data.map((customer) => customer.externalAccountId)).to.deep.equal(['acct-1', 'acct-2']);
      const second = await context.listCustomers.execute({ query: 'LoV', limit: 2, cursor: first.nextCursor });
      expect(second.data.map((customer) => customer.externalAccountId)).to.deep.equal(['Glove-3']);
      expect(second.nextCursor).to.equal(null);
    });
  });

  describe('when externalAccountId is given too', () => {
    it('answers the customer only if it matches both', async () => {
      const context = await givenCustomers();
      expect((await context.listCustomers.execute({ query: 'lov', externalAccountId: 'acct-2' })).data.map((customer) => customer.externalAccountId)).to.deep.equal(['acct-2']);
      expect((await context.listCustomers.execute({ query: 'lov', externalAccountId: 'acct-4' })).data).to.deep.equal([]);
    });
  });

  describe('when the text is empty or longer than 200 characters', () => {
    it('refuses it with INVALID_REQUEST', async () => {
      const context = await givenCustomers();
      await expectRejection(context.listCustomers.execute({ query: '' }), 'INVALID_REQUEST');
      await expectRejection(context.listCustomers.execute({ query: 'x'.repeat(201) }), 'INVALID_REQUEST');
    });
  });
});
