import { expect } from 'chai';
import type { PaymentGatewayName } from './payment-gateway-link.value-object';
import { ACCOUNT_ID, CUSTOMER_ID, STRIPE_ID, T0, at, deactivatedCustomer, given, linkedCustomer, registeredCustomer } from './customer.test-fixtures';

describe('Customer', () => {
  describe('when an unlinked customer is linked to a gateway', () => {
    it('records PaymentGatewayLinked and returns true', () => {
      const customer = registeredCustomer();
      const linked = given(customer)
        .when((c) => c.linkPaymentGateway('stripe', STRIPE_ID, at(3)))
        .thenRecords([
          {
            type: 'PaymentGatewayLinked',
            customerId: CUSTOMER_ID,
            externalAccountId: ACCOUNT_ID,
            gateway: 'stripe',
            gatewayCustomerId: STRIPE_ID,
            occurredAt: at(3),
          },
        ]);
      expect(linked).to.equal(true);
    });

    it('owns the mapping: the link, its time, and updatedAt', () => {
      const customer = registeredCustomer();
      customer.linkPaymentGateway('stripe', STRIPE_ID, at(3));
      expect(customer.isLinkedTo('stripe')).to.equal(true);
      expect(customer.gatewayCustomerId('stripe')).to.equal(STRIPE_ID);
      expect(customer.gatewayLinks).to.deep.equal([{ gateway: 'stripe', gatewayCustomerId: STRIPE_ID, linkedAt: at(3) }]);
      expect(customer.toState()).to.deep.include({ createdAt: T0, updatedAt: at(3) });
    });
  });

  describe('when the customer is already linked to that gateway', () => {
    it('treats the same gateway customer id as an idempotent no-op: false, nothing recorded', () => {
      expect(given(linkedCustomer()).when((c) => c.linkPaymentGateway('stripe', STRIPE_ID, at(9))).thenRecordsNothing()).to.equal(false);
    });

    it('refuses a different gateway customer id with GATEWAY_ALREADY_LINKED', () => {
      const error = given(linkedCustomer())
        .when((c) => c.linkPaymentGateway('stripe', 'cus_Other9', at(9)))
        .thenRefuses('GATEWAY_ALREADY_LINKED');
      expect(error.details).to.deep.include({ linkedId: STRIPE_ID, requestedId: 'cus_Other9' });
    });
  });

  describe('when the input is invalid', () => {
    const invalidIds = ['', 'cus_', 'acct_123', 'cus_abc-def', ' cus_abc', 'CUS_abc', `cus_${'a'.repeat(300)}`, undefined];
    for (const gatewayCustomerId of invalidIds) {
      it(`refuses gateway customer id ${JSON.stringify(gatewayCustomerId)} with INVALID_GATEWAY_CUSTOMER_ID`, () => {
        given(registeredCustomer())
          .when((c) => c.linkPaymentGateway('stripe', gatewayCustomerId as string, at(3)))
          .thenRefuses('INVALID_GATEWAY_CUSTOMER_ID');
      });
    }

    it('refuses an unknown gateway with INVALID_PAYMENT_GATEWAY', () => {
      given(registeredCustomer())
        .when((c) => c.linkPaymentGateway('paypal' as PaymentGatewayName, STRIPE_ID, at(3)))
        .thenRefuses('INVALID_PAYMENT_GATEWAY');
    });

    it('refuses an invalid now with INVALID_TIMESTAMP', () => {
      given(registeredCustomer())
        .when((c) => c.linkPaymentGateway('stripe', STRIPE_ID, undefined as unknown as Date))
        .thenRefuses('INVALID_TIMESTAMP');
    });
  });

  describe('when the customer is deactivated', () => {
    it('refuses a new link with CUSTOMER_DEACTIVATED', () => {
      given(deactivatedCustomer())
        .when((c) => c.linkPaymentGateway('stripe', STRIPE_ID, at(9)))
        .thenRefuses('CUSTOMER_DEACTIVATED');
    });

    it('still treats relinking the same id as a no-op, so a retried link does not fail', () => {
      expect(
        given(deactivatedCustomer({ linked: true }))
          .when((c) => c.linkPaymentGateway('stripe', STRIPE_ID, at(9)))
          .thenRecordsNothing(),
      ).to.equal(false);
    });
  });
});
