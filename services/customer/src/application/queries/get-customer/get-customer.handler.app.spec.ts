import { expect } from 'chai';
import { FIRST_ID, UNKNOWN_ID, createTestContext, expectRejection, registered } from '../../testing/customer-app.test-context';

describe('GetCustomer', () => {
  describe('when the customer exists', () => {
    it('returns a plain, JSON-safe read model, not the aggregate', async () => {
      const context = createTestContext();
      const customer = await registered(context);
      const found = await context.getCustomer.execute({ customerId: FIRST_ID });
      expect(found).to.deep.equal(customer);
      expect(Object.getPrototypeOf(found)).to.equal(Object.prototype);
      expect(JSON.parse(JSON.stringify(found))).to.deep.equal(found);
    });

    it('finds it however the uuid is cased', async () => {
      const context = createTestContext();
      await registered(context);
      expect((await context.getCustomer.execute({ customerId: FIRST_ID.toUpperCase() })).id).to.equal(FIRST_ID);
    });
  });

  describe('when it does not', () => {
    it('refuses an unknown id with CUSTOMER_NOT_FOUND', async () => {
      const error = await expectRejection(createTestContext().getCustomer.execute({ customerId: UNKNOWN_ID }), 'CUSTOMER_NOT_FOUND');
      expect(error.details).to.deep.equal({ customerId: UNKNOWN_ID });
    });

    it('refuses a malformed id with INVALID_CUSTOMER_ID', async () => {
      for (const customerId of ['', 'acct_1', `${FIRST_ID}0`, undefined as unknown as string]) {
        await expectRejection(createTestContext().getCustomer.execute({ customerId }), 'INVALID_CUSTOMER_ID');
      }
    });
  });
});
