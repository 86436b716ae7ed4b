import { expect } from 'chai';
import { ACCOUNT_ID, CUSTOMER_ID, STRIPE_ID, at, deactivatedCustomer, given, linkedCustomer } from './customer.test-fixtures';

describe('Customer', () => {
  describe('when an active customer is deactivated', () => {
    it('records CustomerDeactivated', () => {
      given(linkedCustomer())
        .when((c) => c.deactivate(at(20)))
        .thenRecords([{ type: 'CustomerDeactivated', customerId: CUSTOMER_ID, externalAccountId: ACCOUNT_ID, occurredAt: at(20) }]);
    });

    it('becomes deactivated at that time and keeps its profile and gateway link for lookups', () => {
      const customer = linkedCustomer();
      customer.deactivate(at(20));
      expect(customer.toState()).to.deep.include({ status: 'deactivated', deactivatedAt: at(20), updatedAt: at(20), email: 'ada@example.com' });
      expect(customer.isActive).to.equal(false);
      expect(customer.gatewayCustomerId('stripe')).to.equal(STRIPE_ID);
    });
  });

  describe('when the customer is already deactivated', () => {
    it('refuses with CUSTOMER_ALREADY_DEACTIVATED', () => {
      given(deactivatedCustomer())
        .when((c) => c.deactivate(at(30)))
        .thenRefuses('CUSTOMER_ALREADY_DEACTIVATED');
    });
  });

  describe('when now is invalid', () => {
    it('refuses with INVALID_TIMESTAMP', () => {
      given(linkedCustomer())
        .when((c) => c.deactivate(new Date(Number.NaN)))
        .thenRefuses('INVALID_TIMESTAMP');
    });
  });
});
