import { expect } from 'chai';
import { createTestContext, expectRejection, registered } from '../../testing/customer-app.test-context';

describe('GetCustomerByGatewayId', () => {
  describe('when a customer is linked to that gateway customer', () => {
    it('returns its read model', async () => {
      const context = createTestContext();
      const customer = await registered(context);
      expect(await context.getCustomerByGatewayId.execute({ gateway: 'stripe', gatewayCustomerId: 'cus_Fake1' })).to.deep.equal(customer);
    });
  });

  describe('when none is', () => {
    it('refuses with CUSTOMER_NOT_FOUND', async () => {
      const context = createTestContext();
      await registered(context);
      const error = await expectRejection(context.getCustomerByGatewayId.execute({ gateway: 'stripe', gatewayCustomerId: 'cus_Fake2' }), 'CUSTOMER_NOT_FOUND');
      expect(error.details).to.deep.equal({ gateway: 'stripe', gatewayCustomerId: 'cus_Fake2' });
    });

    it('refuses an unknown gateway or a malformed gateway customer id', async () => {
      const context = createTestContext();
      await expectRejection(context.getCustomerByGatewayId.execute({ gateway: 'braintree', gatewayCustomerId: 'cus_Fake1' }), 'INVALID_PAYMENT_GATEWAY');
      await expectRejection(context.getCustomerByGatewayId.execute({ gateway: 'stripe', gatewayCustomerId: 'cus_Fake1 ' }), 'INVALID_GATEWAY_CUSTOMER_ID');
    });
  });
});
