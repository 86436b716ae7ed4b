import { expect } from 'chai';
import { FIRST_ID, T0, UNKNOWN_ID, createTestContext, eventTypes, expectRejection, registered } from '../../testing/customer-app.test-context';

describe('DeactivateCustomer', () => {
  describe('when the customer is active', () => {
    it('deactivates it, records CustomerDeactivated and keeps it findable', async () => {
      const context = createTestContext();
      await registered(context);
      context.clock.advance(1_000);
      const { customer } = await context.deactivateCustomer.execute({ customerId: FIRST_ID });
      const at = new Date(T0.getTime() + 1_000).toISOString();
      expect(customer).to.deep.include({ status: 'deactivated', deactivatedAt: at, updatedAt: at });
      expect(await context.getCustomerByExternalId.execute({ externalAccountId: 'acct_1' })).to.deep.equal(customer);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked', 'CustomerDeactivated']);
    });
  });

  describe('when the customer is already deactivated', () => {
    it('refuses with CUSTOMER_ALREADY_DEACTIVATED and writes nothing', async () => {
      const context = createTestContext();
      await registered(context);
      await context.deactivateCustomer.execute({ customerId: FIRST_ID });
      const before = context.customers.snapshot();
      await expectRejection(context.deactivateCustomer.execute({ customerId: FIRST_ID }), 'CUSTOMER_ALREADY_DEACTIVATED');
      expect(context.customers.snapshot()).to.deep.equal(before);
    });
  });

  describe('when the customer does not exist', () => {
    it('refuses an unknown id with CUSTOMER_NOT_FOUND and a malformed one with INVALID_CUSTOMER_ID', async () => {
      const context = createTestContext();
      await expectRejection(context.deactivateCustomer.execute({ customerId: UNKNOWN_ID }), 'CUSTOMER_NOT_FOUND');
      await expectRejection(context.deactivateCustomer.execute({ customerId: 'nope' }), 'INVALID_CUSTOMER_ID');
      expect(context.customers.size).to.equal(0);
    });
  });
});
