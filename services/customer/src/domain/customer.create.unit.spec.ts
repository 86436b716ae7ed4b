import { expect } from 'chai';
import { Customer } from './customer.aggregate';
import type { RegisterCustomerProps } from './customer.commands';
import type { CustomerDomainErrorCode } from './customer.errors';
import { ACCOUNT_ID, CUSTOMER_ID, T0, at, expectDomainError, registrationProps } from './customer.test-fixtures';

describe('Customer', () => {
  describe('when registered with valid details', () => {
    it('is active, unlinked, created and updated now, version 0', () => {
      const customer = Customer.create(registrationProps());
      expect(customer.toState()).to.deep.equal({
        id: CUSTOMER_ID,
        externalAccountId: ACCOUNT_ID,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        defaultCurrency: 'EUR',
        status: 'active',
        gatewayLinks: [],
        createdAt: T0,
        updatedAt: T0,
        deactivatedAt: null,
        version: 0,
      });
      expect(customer.isActive).to.equal(true);
      expect(customer.isLinkedTo('stripe')).to.equal(false);
      expect(customer.gatewayCustomerId('stripe')).to.equal(null);
    });

    it('records CustomerRegistered with what consumers need, once', () => {
      const customer = Customer.create(registrationProps());
      expect(customer.pullEvents()).to.deep.equal([
        {
          type: 'CustomerRegistered',
          customerId: CUSTOMER_ID,
          externalAccountId: ACCOUNT_ID,
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          defaultCurrency: 'EUR',
          occurredAt: T0,
        },
      ]);
      expect(customer.pullEvents()).to.deep.equal([]);
    });

    it('normalises: email trimmed and lower-cased, ids trimmed / lower-cased, currency upper-cased, name trimmed', () => {
      const customer = Customer.create(
        registrationProps({
          id: CUSTOMER_ID.toUpperCase(),
          externalAccountId: '  org:Team-1.a_b  ',
          email: '  Ada.Lovelace+Billing@Example.COM ',
          name: '  Ada  ',
          defaultCurrency: 'chf',
        }),
      );
      expect(customer.id).to.equal(CUSTOMER_ID);
      expect(customer.externalAccountId).to.equal('org:Team-1.a_b');
      expect(customer.email).to.equal('ada.lovelace+billing@example.com');
      expect(customer.name).to.equal('Ada');
      expect(customer.defaultCurrency).to.equal('CHF');
    });

    it('has no name when none is given', () => {
      expect(Customer.create(registrationProps({ name: undefined })).name).to.equal(null);
      expect(Customer.create(registrationProps({ name: null })).name).to.equal(null);
    });

    it('does not share dates with the caller', () => {
      const now = new Date(T0);
      const customer = Customer.create(registrationProps({ now }));
      now.setFullYear(1999);
      customer.createdAt.setFullYear(1998);
      expect(customer.createdAt).to.deep.equal(T0);
    });
  });

  describe('when registered with invalid details', () => {
    const invalid: [string, Partial<RegisterCustomerProps>, CustomerDomainErrorCode][] = [
      ['a missing id', { id: undefined as unknown as string }, 'INVALID_CUSTOMER_ID'],
      ['an id that is not a uuid', { id: 'customer-1' }, 'INVALID_CUSTOMER_ID'],
      ['a missing externalAccountId', { externalAccountId: undefined as unknown as string }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['a blank externalAccountId', { externalAccountId: '   ' }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['an externalAccountId of 129 characters', { externalAccountId: 'a'.repeat(129) }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['an externalAccountId with a space inside', { externalAccountId: 'acct 42' }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['an externalAccountId with a slash', { externalAccountId: 'acct/42' }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['a missing email', { email: undefined as unknown as string }, 'INVALID_EMAIL'],
      ['a malformed email', { email: 'ada.example.com' }, 'INVALID_EMAIL'],
      ['a missing currency', { defaultCurrency: undefined as unknown as string }, 'INVALID_CURRENCY'],
      ['an unsupported currency', { defaultCurrency: 'XYZ' }, 'INVALID_CURRENCY'],
      ['a real but unsupported currency', { defaultCurrency: 'BRL' }, 'INVALID_CURRENCY'],
      ['a blank name', { name: '  ' }, 'INVALID_NAME'],
      ['a name of 201 characters', { name: 'n'.repeat(201) }, 'INVALID_NAME'],
      ['a non-string name', { name: 42 as unknown as string }, 'INVALID_NAME'],
      ['an invalid now', { now: new Date(Number.NaN) }, 'INVALID_TIMESTAMP'],
    ];
    for (const [what, overrides, code] of invalid) {
      it(`refuses ${what} with ${code}`, () => {
        expectDomainError(() => Customer.create(registrationProps(overrides)), code);
      });
    }

    it('accepts the boundaries: a 128-character externalAccountId and a 200-character name', () => {
      const customer = Customer.create(registrationProps({ externalAccountId: 'a'.repeat(128), name: 'é'.repeat(200) }));
      expect(customer.externalAccountId).to.have.length(128);
      expect(customer.name).to.have.length(200);
    });

    it('says which value was wrong in the error details', () => {
      const error = expectDomainError(() => Customer.create(registrationProps({ defaultCurrency: 'XYZ' })), 'INVALID_CURRENCY');
      expect(error.details).to.deep.include({ value: '"XYZ"' });
      expect(error.details['supported']).to.include('EUR');
    });
  });

  describe('when reconstituted from stored state', () => {
    it('has the same state and records nothing', () => {
      const original = Customer.create(registrationProps());
      original.linkPaymentGateway('stripe', 'cus_X1', at(5));
      const state = { ...original.toState(), version: 7 };
      const loaded = Customer.reconstitute(state);
      expect(loaded.toState()).to.deep.equal(state);
      expect(loaded.pullEvents()).to.deep.equal([]);
    });

    it('refuses corrupt state with INVARIANT_VIOLATION listing every broken rule', () => {
      const state = Customer.create(registrationProps()).toState();
      const error = expectDomainError(
        () =>
          Customer.reconstitute({
            ...state,
            email: 'Ada@Example.com',
            status: 'deactivated',
            deactivatedAt: null,
            version: -1,
            gatewayLinks: [
              { gateway: 'stripe', gatewayCustomerId: 'cus_A', linkedAt: T0 },
              { gateway: 'stripe', gatewayCustomerId: 'not-a-stripe-id', linkedAt: T0 },
            ],
          }),
        'INVARIANT_VIOLATION',
      );
      expect(error.details['violations']).to.deep.equal([
        'email is not normalised',
        'deactivatedAt must be set exactly when status is deactivated',
        'version -1 is not a non-negative integer',
        'more than one link to stripe',
        'gatewayLinks[stripe].gatewayCustomerId: "not-a-stripe-id" is not a valid stripe customer id',
      ]);
    });
  });
});
