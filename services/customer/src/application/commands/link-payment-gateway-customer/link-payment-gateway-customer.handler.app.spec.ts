import { expect } from 'chai';
import type { CustomerErrorCode } from '../../application.errors';
import {
  FIRST_ID,
  UNKNOWN_ID,
  createTestContext,
  eventTypes,
  expectRejection,
  registered,
  registeredUnlinked,
} from '../../testing/customer-app.test-context';
import type { LinkPaymentGatewayCustomerCommand } from './link-payment-gateway-customer.command';

const link = (overrides: Partial<LinkPaymentGatewayCustomerCommand> = {}): LinkPaymentGatewayCustomerCommand => ({
  customerId: FIRST_ID,
  gateway: 'stripe',
  gatewayCustomerId: 'cus_Existing1',
  ...overrides,
});

describe('LinkPaymentGatewayCustomer', () => {
  describe('when the customer is unlinked', () => {
    it('links the given gateway customer without calling the gateway', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      const requests = context.paymentGateway.requests.length;
      const result = await context.linkPaymentGatewayCustomer.execute(link());
      expect(result.linked).to.equal(true);
      expect(result.customer.gatewayLinks.map((l) => l.gatewayCustomerId)).to.deep.equal(['cus_Existing1']);
      expect(await context.getCustomerByGatewayId.execute({ gateway: 'stripe', gatewayCustomerId: 'cus_Existing1' })).to.deep.equal(result.customer);
      expect(context.paymentGateway.requests).to.have.length(requests);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });

    it('is idempotent: the same link again returns linked false and writes nothing', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      await context.linkPaymentGatewayCustomer.execute(link());
      const before = context.customers.snapshot();
      expect((await context.linkPaymentGatewayCustomer.execute(link())).linked).to.equal(false);
      expect(context.customers.snapshot()).to.deep.equal(before);
    });
  });

  describe('when the link conflicts', () => {
    it('refuses another gateway customer id with GATEWAY_ALREADY_LINKED', async () => {
      const context = createTestContext();
      await registered(context);
      const before = context.customers.snapshot();
      await expectRejection(context.linkPaymentGatewayCustomer.execute(link()), 'GATEWAY_ALREADY_LINKED');
      expect(context.customers.snapshot()).to.deep.equal(before);
    });

    it("refuses another customer's gateway customer with GATEWAY_CUSTOMER_ID_IN_USE", async () => {
      const context = createTestContext();
      await registered(context, { externalAccountId: 'owner' });
      const second = await registeredUnlinked(context, { externalAccountId: 'other' });
      const before = context.customers.snapshot();
      await expectRejection(context.linkPaymentGatewayCustomer.execute(link({ customerId: second.id, gatewayCustomerId: 'cus_Fake1' })), 'GATEWAY_CUSTOMER_ID_IN_USE');
      expect(context.customers.snapshot()).to.deep.equal(before);
    });
  });

  describe('when the input is invalid', () => {
    const invalid: [string, Partial<LinkPaymentGatewayCustomerCommand>, CustomerErrorCode][] = [
      ['a malformed customer id', { customerId: '42' }, 'INVALID_CUSTOMER_ID'],
      ['an unknown customer', { customerId: UNKNOWN_ID }, 'CUSTOMER_NOT_FOUND'],
      ['an unknown gateway', { gateway: 'adyen' }, 'INVALID_PAYMENT_GATEWAY'],
      ['a malformed gateway customer id', { gatewayCustomerId: 'pm_123' }, 'INVALID_GATEWAY_CUSTOMER_ID'],
    ];
    for (const [what, overrides, code] of invalid) {
      it(`refuses ${what} with ${code} and leaves the repository unchanged`, async () => {
        const context = createTestContext();
        await registeredUnlinked(context);
        const before = context.customers.snapshot();
        await expectRejection(context.linkPaymentGatewayCustomer.execute(link(overrides)), code);
        expect(context.customers.snapshot()).to.deep.equal(before);
      });
    }
  });
});
