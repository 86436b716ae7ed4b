import { expect } from 'chai';
import {
  FIRST_ID,
  T0,
  createTestContext,
  eventTypes,
  expectRejection,
  registeredUnlinked,
} from '../../testing/customer-app.test-context';

describe('LinkPendingGatewayCustomers', () => {
  describe('when a customer was registered while the gateway was down', () => {
    it('links it later, exactly once, with the registration idempotency key', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      context.clock.advance(60_000);
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 1, pending: 0, failures: [] });
      const customer = await context.getCustomer.execute({ customerId: FIRST_ID });
      expect(customer.gatewayLinks).to.deep.equal([{ gateway: 'stripe', gatewayCustomerId: 'cus_Fake1', linkedAt: new Date(T0.getTime() + 60_000).toISOString() }]);
      expect(context.paymentGateway.requests.map((request) => request.idempotencyKey)).to.deep.equal([FIRST_ID, FIRST_ID]);
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });

    it('creates exactly one gateway customer however often the job runs', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      await context.linkPendingGatewayCustomers.execute();
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 0, pending: 0, failures: [] });
      expect(context.paymentGateway.creations).to.equal(1);
      expect(eventTypes(context).filter((type) => type === 'PaymentGatewayLinked')).to.have.length(1);
    });

    it('converges on one gateway customer when two runs overlap', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      const results = await Promise.all([context.linkPendingGatewayCustomers.execute(), context.linkPendingGatewayCustomers.execute()]);
      expect(results.map((result) => result.failures)).to.deep.equal([[], []]);
      expect(context.paymentGateway.creations).to.equal(1);
      expect(eventTypes(context).filter((type) => type === 'PaymentGatewayLinked')).to.have.length(1);
    });
  });

  describe('when the gateway is still down', () => {
    it('stops at the first failure and reports the whole batch pending', async () => {
      const context = createTestContext();
      for (const account of ['a', 'b', 'c']) await registeredUnlinked(context, { externalAccountId: account });
      const requests = context.paymentGateway.requests.length;
      context.paymentGateway.mode = 'down';
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 0, pending: 3, failures: [] });
      expect(context.paymentGateway.requests.length - requests).to.equal(1);
    });
  });

  describe('when the gateway goes down in the middle of a batch', () => {
    it('reports what it linked and what is still pending; the next run finishes', async () => {
      const context = createTestContext();
      for (const account of ['a', 'b', 'c']) await registeredUnlinked(context, { externalAccountId: account });
      context.paymentGateway.onNextCreate(async () => {
        context.paymentGateway.mode = 'down';
      });
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 1, pending: 2, failures: [] });
      context.paymentGateway.mode = 'up';
      expect(await context.linkPendingGatewayCustomers.execute()).to.deep.equal({ linked: 2, pending: 0, failures: [] });
      expect(context.paymentGateway.creations).to.equal(3);
    });
  });

  describe('when the gateway refuses one customer for good', () => {
    it('reports it as a failure and links the rest', async () => {
      const context = createTestContext();
      await registeredUnlinked(context, { externalAccountId: 'a' });
      await registeredUnlinked(context, { externalAccountId: 'b' });
      const refusal = new Error('invalid email at the gateway');
      context.paymentGateway.failNextWith(refusal);
      const result = await context.linkPendingGatewayCustomers.execute();
      expect(result).to.deep.equal({ linked: 1, pending: 0, failures: [{ customerId: FIRST_ID, error: refusal }] });
    });
  });

  describe('when the customer is updated while its gateway customer is being created', () => {
    it('links the freshly loaded customer and keeps the update', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      context.paymentGateway.onNextCreate(async () => {
        await context.updateCustomer.execute({ customerId: FIRST_ID, email: 'new@example.com' });
      });
      await context.linkPendingGatewayCustomers.execute();
      expect(await context.getCustomer.execute({ customerId: FIRST_ID })).to.deep.include({ email: 'new@example.com' });
      expect(eventTypes(context)).to.deep.equal(['CustomerRegistered', 'CustomerUpdated', 'PaymentGatewayLinked']);
    });
  });

  describe('when choosing whom to link', () => {
    it('takes active customers only, oldest first, at most batchSize', async () => {
      const context = createTestContext();
      for (const account of ['a', 'b', 'c', 'd']) {
        await registeredUnlinked(context, { externalAccountId: account });
        context.clock.advance(1_000);
      }
      const [, second] = (await context.listCustomers.execute()).data;
      await context.deactivateCustomer.execute({ customerId: second?.id ?? '' });
      expect(await context.linkPendingGatewayCustomers.execute({ batchSize: 2 })).to.deep.equal({ linked: 2, pending: 0, failures: [] });
      expect(context.paymentGateway.created.map((created) => created.request.metadata.externalAccountId)).to.deep.equal(['a', 'c']);
    });

    it('refuses a batchSize outside 1..500 with INVALID_LIMIT', async () => {
      const context = createTestContext();
      for (const batchSize of [0, 501, 1.5]) await expectRejection(context.linkPendingGatewayCustomers.execute({ batchSize }), 'INVALID_LIMIT');
    });
  });

  describe('when registeredBefore is given', () => {
    it('leaves customers registered at or after it alone (their registration may still be calling the gateway)', async () => {
      const context = createTestContext();
      await registeredUnlinked(context);
      expect(await context.linkPendingGatewayCustomers.execute({ registeredBefore: T0 })).to.deep.equal({ linked: 0, pending: 0, failures: [] });
      expect(context.paymentGateway.requests).to.have.length(1);
      expect(await context.linkPendingGatewayCustomers.execute({ registeredBefore: new Date(T0.getTime() + 1) })).to.deep.equal({ linked: 1, pending: 0, failures: [] });
    });

    it('refuses an invalid instant with INVALID_TIMESTAMP', async () => {
      const context = createTestContext();
      await expectRejection(context.linkPendingGatewayCustomers.execute({ registeredBefore: new Date(Number.NaN) }), 'INVALID_TIMESTAMP');
    });
  });
});
