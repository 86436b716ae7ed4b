import { expect } from 'chai';
import { createTestContext, expectRejection, T0 } from '../../testing/subscription-app.test-context';

describe('ProjectCustomer (CustomerRegistered / CustomerUpdated)', () => {
  it('records a new customer with its default currency', async () => {
    const context = createTestContext();
    expect(await context.projectCustomer.execute({ customerId: 'cus_1', defaultCurrency: 'eur', occurredAt: T0 })).to.equal(true);
    expect(await context.customers.find('cus_1')).to.deep.equal({ customerId: 'cus_1', defaultCurrency: 'EUR', occurredAt: T0 });
  });

  it('keeps the newest version when an older event arrives late', async () => {
    const context = createTestContext();
    const later = new Date(T0.getTime() + 1_000);
    await context.projectCustomer.execute({ customerId: 'cus_1', defaultCurrency: 'USD', occurredAt: later });
    expect(await context.projectCustomer.execute({ customerId: 'cus_1', defaultCurrency: 'EUR', occurredAt: T0 })).to.equal(false);
    expect((await context.customers.find('cus_1'))?.defaultCurrency).to.equal('USD');
  });

  it('refuses an event without a valid instant', async () => {
    const context = createTestContext();
    await expectRejection(
      context.projectCustomer.execute({ customerId: 'cus_1', defaultCurrency: 'EUR', occurredAt: new Date('nope') }),
      'INVALID_ARGUMENT',
    );
  });
});
