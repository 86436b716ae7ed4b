import { expect } from 'chai';
import type { CustomerErrorCode } from '../../application.errors';
import { FIRST_ID, T0, UNKNOWN_ID, createTestContext, eventTypes, expectRejection, registered } from '../../testing/customer-app.test-context';
import type { UpdateCustomerCommand } from './update-customer.command';

describe('UpdateCustomer', () => {
  describe('when an active customer is updated', () => {
    it('saves the change, records CustomerUpdated and returns the new read model', async () => {
      const context = createTestContext();
      await registered(context);
      context.clock.advance(5_000);
      const result = await context.updateCustomer.execute({ customerId: FIRST_ID, name: null, defaultCurrency: 'GBP' });
      expect(result.changed).to.equal(true);
      expect(result.customer).to.deep.include({ name: null, defaultCurrency: 'GBP', email: 'ada@example.com', updatedAt: new Date(T0.getTime() + 5_000).toISOString() });
      expect(await context.getCustomer.execute({ customerId: FIRST_ID })).to.deep.equal(result.customer);
      expect(context.customers.outbox.at(-1)).to.deep.include({ type: 'CustomerUpdated', changedFields: ['name', 'defaultCurrency'] });
    });

    it('writes nothing when nothing changes', async () => {
      const context = createTestContext();
      await registered(context);
      const before = context.customers.snapshot();
      const result = await context.updateCustomer.execute({ customerId: FIRST_ID, email: 'ADA@example.com' });
      expect(result.changed).to.equal(false);
      expect(context.customers.snapshot()).to.deep.equal(before);
    });
  });

  describe('when another writer saves in between', () => {
    it('reapplies the update to the fresh state: both changes survive', async () => {
      const context = createTestContext();
      await registered(context);
      context.customers.beforeNextSave(async () => {
        await context.updateCustomer.execute({ customerId: FIRST_ID, name: 'Countess of Lovelace' });
      });
      const result = await context.updateCustomer.execute({ customerId: FIRST_ID, email: 'ada@new.example' });
      expect(result.customer).to.deep.include({ email: 'ada@new.example', name: 'Countess of Lovelace' });
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked', 'CustomerUpdated', 'CustomerUpdated']);
    });

    it('gives up with CONCURRENT_MODIFICATION when it keeps losing', async () => {
      const context = createTestContext();
      await registered(context);
      for (const name of ['one', 'two', 'three']) {
        context.customers.beforeNextSave(async () => {
          await context.updateCustomer.execute({ customerId: FIRST_ID, name });
        });
      }
      await expectRejection(context.updateCustomer.execute({ customerId: FIRST_ID, email: 'ada@new.example' }), 'CONCURRENT_MODIFICATION');
    });
  });

  describe('when the input is invalid', () => {
    const invalid: [string, Partial<UpdateCustomerCommand>, CustomerErrorCode][] = [
      ['a malformed email', { email: 'ada at example.com' }, 'INVALID_EMAIL'],
      ['an empty email', { email: '' }, 'INVALID_EMAIL'],
      ['an unknown currency', { defaultCurrency: 'BTC' }, 'INVALID_CURRENCY'],
      ['a blank name', { name: '   ' }, 'INVALID_NAME'],
      ['a malformed customer id', { customerId: 'cus_123' }, 'INVALID_CUSTOMER_ID'],
      ['an unknown customer id', { customerId: UNKNOWN_ID }, 'CUSTOMER_NOT_FOUND'],
    ];
    for (const [what, overrides, code] of invalid) {
      it(`refuses ${what} with ${code} and leaves the repository unchanged`, async () => {
        const context = createTestContext();
        await registered(context);
        const before = context.customers.snapshot();
        await expectRejection(context.updateCustomer.execute({ customerId: FIRST_ID, name: 'Valid Name', ...overrides }), code);
        expect(context.customers.snapshot()).to.deep.equal(before);
      });
    }
  });

  describe('when the customer is deactivated', () => {
    it('refuses with CUSTOMER_DEACTIVATED', async () => {
      const context = createTestContext();
      await registered(context);
      await context.deactivateCustomer.execute({ customerId: FIRST_ID });
      const before = context.customers.snapshot();
      await expectRejection(context.updateCustomer.execute({ customerId: FIRST_ID, name: 'Too Late' }), 'CUSTOMER_DEACTIVATED');
      expect(context.customers.snapshot()).to.deep.equal(before);
    });
  });
});
