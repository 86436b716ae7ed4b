import { expect } from 'chai';
import type { CustomerChanges } from './customer.commands';
import type { CustomerDomainErrorCode } from './customer.errors';
import { ACCOUNT_ID, CUSTOMER_ID, T0, at, deactivatedCustomer, given, registeredCustomer } from './customer.test-fixtures';

describe('Customer', () => {
  describe('when an active customer is updated', () => {
    it('changes the given fields and records CustomerUpdated with the whole profile and the changed fields', () => {
      const customer = registeredCustomer();
      const changed = given(customer)
        .when((c) => c.update({ email: 'ADA@new.example', defaultCurrency: 'usd' }, at(10)))
        .thenRecords([
          {
            type: 'CustomerUpdated',
            customerId: CUSTOMER_ID,
            externalAccountId: ACCOUNT_ID,
            email: 'ada@new.example',
            name: 'Ada Lovelace',
            defaultCurrency: 'USD',
            changedFields: ['email', 'defaultCurrency'],
            occurredAt: at(10),
          },
        ]);
      expect(changed).to.equal(true);
      expect(customer.toState()).to.deep.include({ email: 'ada@new.example', defaultCurrency: 'USD', createdAt: T0, updatedAt: at(10) });
    });

    it('clears the name when name is null', () => {
      const customer = registeredCustomer();
      given(customer)
        .when((c) => c.update({ name: null }, at(10)))
        .thenRecords([
          {
            type: 'CustomerUpdated',
            customerId: CUSTOMER_ID,
            externalAccountId: ACCOUNT_ID,
            email: 'ada@example.com',
            name: null,
            defaultCurrency: 'EUR',
            changedFields: ['name'],
            occurredAt: at(10),
          },
        ]);
      expect(customer.name).to.equal(null);
    });

    it('records nothing and returns false when nothing would change (after normalisation)', () => {
      const changes: CustomerChanges[] = [{}, { email: ' ADA@example.com ' }, { name: 'Ada Lovelace' }, { defaultCurrency: 'eur' }];
      for (const change of changes) {
        const customer = registeredCustomer();
        expect(given(customer).when((c) => c.update(change, at(10))).thenRecordsNothing()).to.equal(false);
      }
    });
  });

  describe('when an update carries an invalid field', () => {
    const invalid: [string, CustomerChanges, CustomerDomainErrorCode][] = [
      ['a malformed email', { email: 'not-an-email' }, 'INVALID_EMAIL'],
      ['an empty email', { email: '' }, 'INVALID_EMAIL'],
      ['a blank name', { name: '' }, 'INVALID_NAME'],
      ['an unknown currency', { defaultCurrency: 'EURO' }, 'INVALID_CURRENCY'],
    ];
    for (const [what, change, code] of invalid) {
      it(`refuses ${what} with ${code} and changes nothing, valid fields included`, () => {
        given(registeredCustomer())
          .when((c) => c.update({ name: 'Someone Else', ...change }, at(10)))
          .thenRefuses(code);
      });
    }

    it('refuses an invalid now with INVALID_TIMESTAMP', () => {
      given(registeredCustomer())
        .when((c) => c.update({ name: 'Someone Else' }, new Date('nope')))
        .thenRefuses('INVALID_TIMESTAMP');
    });
  });

  describe('when the customer is deactivated', () => {
    it('refuses any update with CUSTOMER_DEACTIVATED, even one that changes nothing', () => {
      given(deactivatedCustomer())
        .when((c) => c.update({ email: 'new@example.com' }, at(10)))
        .thenRefuses('CUSTOMER_DEACTIVATED');
      given(deactivatedCustomer())
        .when((c) => c.update({}, at(10)))
        .thenRefuses('CUSTOMER_DEACTIVATED');
    });

    it('reports an invalid field before the deactivation', () => {
      given(deactivatedCustomer())
        .when((c) => c.update({ email: 'bad' }, at(10)))
        .thenRefuses('INVALID_EMAIL');
    });
  });
});
