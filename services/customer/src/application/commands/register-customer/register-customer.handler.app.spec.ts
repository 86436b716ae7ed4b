import { expect } from 'chai';
import type { RegisterCustomerCommand } from './register-customer.command';
import type { CustomerErrorCode } from '../../application.errors';
import { PaymentGatewayUnavailableError } from '../../ports/payment-gateway.port';
import { FIRST_ID, T0, createTestContext, eventTypes, expectRejection, registration } from '../../testing/customer-app.test-context';

describe('RegisterCustomer', () => {
  describe('when the gateway is up', () => {
    it('registers the customer, creates its gateway customer and links it', async () => {
      const context = createTestContext();
      const result = await context.registerCustomer.execute(registration({ email: ' Ada@Example.com ', defaultCurrency: 'eur' }));
      expect(result).to.deep.equal({
        gatewayLink: 'linked',
        customer: {
          id: FIRST_ID,
          externalAccountId: 'acct_1',
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          defaultCurrency: 'EUR',
          status: 'active',
          gatewayLinks: [{ gateway: 'stripe', gatewayCustomerId: 'cus_Fake1', linkedAt: T0.toISOString() }],
          createdAt: T0.toISOString(),
          updatedAt: T0.toISOString(),
          deactivatedAt: null,
        },
      });
      expect((await context.customers.findById(FIRST_ID))?.gatewayCustomerId('stripe')).to.equal('cus_Fake1');
    });

    it('calls the gateway once, with our customer id as idempotency key and in the metadata', async () => {
      const context = createTestContext();
      await context.registerCustomer.execute(registration());
      expect(context.paymentGateway.requests).to.deep.equal([
        {
          idempotencyKey: FIRST_ID,
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          metadata: { customerId: FIRST_ID, externalAccountId: 'acct_1' },
        },
      ]);
      expect(context.paymentGateway.creations).to.equal(1);
    });

    it('commits CustomerRegistered, then PaymentGatewayLinked, to the outbox', async () => {
      const context = createTestContext();
      await context.registerCustomer.execute(registration());
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
      expect(context.customers.outbox[1]).to.deep.include({ customerId: FIRST_ID, gateway: 'stripe', gatewayCustomerId: 'cus_Fake1' });
    });
  });

  describe('when the externalAccountId is already registered', () => {
    it('refuses the second registration with DUPLICATE_EXTERNAL_ACCOUNT_ID: one customer, nothing written, no gateway call', async () => {
      const context = createTestContext();
      await context.registerCustomer.execute(registration());
      const before = context.customers.snapshot();
      await expectRejection(context.registerCustomer.execute(registration({ email: 'other@example.com', externalAccountId: ' acct_1 ' })), 'DUPLICATE_EXTERNAL_ACCOUNT_ID');
      expect(context.customers.size).to.equal(1);
      expect(context.customers.snapshot()).to.deep.equal(before);
      expect(context.paymentGateway.requests).to.have.length(1);
    });

    it('lets only one of two concurrent registrations through (the repository constraint, not the pre-check)', async () => {
      const context = createTestContext();
      const outcomes = await Promise.allSettled([context.registerCustomer.execute(registration()), context.registerCustomer.execute(registration())]);
      expect(outcomes.map((outcome) => outcome.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(rejected?.reason).to.have.property('code', 'DUPLICATE_EXTERNAL_ACCOUNT_ID');
      expect(context.customers.size).to.equal(1);
      expect(context.paymentGateway.creations).to.equal(1);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });
  });

  describe('when the input is invalid', () => {
    const invalid: [string, Partial<RegisterCustomerCommand>, CustomerErrorCode][] = [
      ['a missing email', { email: undefined as unknown as string }, 'INVALID_EMAIL'],
      ['a malformed email', { email: 'ada@' }, 'INVALID_EMAIL'],
      ['an email of 255 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com` }, 'INVALID_EMAIL'],
      ['an unknown currency', { defaultCurrency: 'ABC' }, 'INVALID_CURRENCY'],
      ['a missing currency', { defaultCurrency: undefined as unknown as string }, 'INVALID_CURRENCY'],
      ['a missing externalAccountId', { externalAccountId: undefined as unknown as string }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['a malformed externalAccountId', { externalAccountId: 'acct#1' }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['a name that is too long', { name: 'x'.repeat(201) }, 'INVALID_NAME'],
    ];
    for (const [what, overrides, code] of invalid) {
      it(`refuses ${what} with ${code}, leaving the repository and the gateway untouched`, async () => {
        const context = createTestContext();
        await context.registerCustomer.execute(registration({ externalAccountId: 'acct_existing' }));
        const before = context.customers.snapshot();
        const requests = context.paymentGateway.requests.length;
        await expectRejection(context.registerCustomer.execute(registration(overrides)), code);
        expect(context.customers.snapshot()).to.deep.equal(before);
        expect(context.paymentGateway.requests).to.have.length(requests);
      });
    }
  });

  describe('when the gateway is down', () => {
    it('keeps the customer registered and unlinked, returns gatewayLink pending with the transient error', async () => {
      const context = createTestContext();
      context.paymentGateway.mode = 'down';
      const result = await context.registerCustomer.execute(registration());
      expect(result.gatewayLink).to.equal('pending');
      if (result.gatewayLink !== 'pending') return;
      expect(result.transient).to.equal(true);
      expect(result.gatewayError).to.be.instanceOf(PaymentGatewayUnavailableError);
      expect(result.customer).to.deep.include({ id: FIRST_ID, status: 'active', gatewayLinks: [] });
      expect(await context.getCustomer.execute({ customerId: FIRST_ID })).to.deep.equal(result.customer);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered']);
      expect(context.paymentGateway.creations).to.equal(0);
    });
  });

  describe('when the gateway refuses for good', () => {
    it('still returns the committed customer, pending, flagged as not transient', async () => {
      const context = createTestContext();
      const refusal = new Error('email rejected by gateway');
      context.paymentGateway.failNextWith(refusal);
      const result = await context.registerCustomer.execute(registration());
      expect(result).to.deep.include({ gatewayLink: 'pending', transient: false, gatewayError: refusal });
      expect(context.customers.size).to.equal(1);
    });
  });

  describe('when the gateway creates the customer but the answer is lost', () => {
    it('reports pending; the retry later gets the same gateway customer back', async () => {
      const context = createTestContext();
      context.paymentGateway.mode = 'losing-responses';
      expect((await context.registerCustomer.execute(registration())).gatewayLink).to.equal('pending');
      expect(context.paymentGateway.creations).to.equal(1);
      context.paymentGateway.mode = 'up';
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 1, pending: 0, failures: [] });
      expect(context.paymentGateway.creations).to.equal(1);
      expect((await context.getCustomer.execute({ customerId: FIRST_ID })).gatewayLinks).to.deep.equal([
        { gateway: 'stripe', gatewayCustomerId: 'cus_Fake1', linkedAt: T0.toISOString() },
      ]);
    });
  });

  describe('in two halves (registerOnly, then linkRegistered after the caller committed)', () => {
    it('registerOnly adds the customer and CustomerRegistered and calls no gateway', async () => {
      const context = createTestContext();
      const registered = await context.registerCustomer.registerOnly(registration());
      expect(registered).to.deep.include({ id: FIRST_ID, gatewayLinks: [] });
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered']);
      expect(context.paymentGateway.requests).to.have.length(0);
    });

    it('registerOnly refuses what execute refuses, writing nothing', async () => {
      const context = createTestContext();
      await context.registerCustomer.registerOnly(registration());
      const before = context.customers.snapshot();
      await expectRejection(context.registerCustomer.registerOnly(registration({ email: 'other@example.com' })), 'DUPLICATE_EXTERNAL_ACCOUNT_ID');
      await expectRejection(context.registerCustomer.registerOnly(registration({ externalAccountId: 'acct_2', defaultCurrency: 'XXX' })), 'INVALID_CURRENCY');
      expect(context.customers.snapshot()).to.deep.equal(before);
    });

    it('linkRegistered links like execute does: one gateway customer, PaymentGatewayLinked', async () => {
      const context = createTestContext();
      const registered = await context.registerCustomer.registerOnly(registration());
      const result = await context.registerCustomer.linkRegistered(registered);
      expect(result.gatewayLink).to.equal('linked');
      expect(result.customer.gatewayLinks).to.deep.equal([{ gateway: 'stripe', gatewayCustomerId: 'cus_Fake1', linkedAt: T0.toISOString() }]);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });

    it('linkRegistered on a customer the job linked meanwhile calls no gateway and records nothing', async () => {
      const context = createTestContext();
      const registered = await context.registerCustomer.registerOnly(registration());
      await context.linkPendingGatewayCustomers.execute();
      const result = await context.registerCustomer.linkRegistered(registered);
      expect(result.gatewayLink).to.equal('linked');
      expect(context.paymentGateway.requests).to.have.length(1);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });

    it('linkRegistered with the gateway down returns pending (transient) and does not throw', async () => {
      const context = createTestContext();
      const registered = await context.registerCustomer.registerOnly(registration());
      context.paymentGateway.mode = 'down';
      const result = await context.registerCustomer.linkRegistered(registered);
      expect(result).to.deep.include({ gatewayLink: 'pending', transient: true, customer: registered });
    });

    it('linkRegistered returns pending with the customer it was given when the customer cannot be loaded', async () => {
      const context = createTestContext();
      const registered = await context.registerCustomer.registerOnly(registration());
      const lost = { ...registered, id: '99999999-9999-4999-8999-999999999999' };
      const result = await context.registerCustomer.linkRegistered(lost);
      expect(result).to.deep.include({ gatewayLink: 'pending', transient: false, customer: lost });
      expect(context.paymentGateway.requests).to.have.length(0);
    });
  });
});
