import { randomUUID } from 'node:crypto';
import { startStripeTestServer, type StripeTestServer } from '@billing/platform/testing';
import { expect } from 'chai';
import type { CreateGatewayCustomerRequest } from '../../application/ports/payment-gateway.port';
import { PaymentGatewayUnavailableError } from '../../application/ports/payment-gateway.port';
import { createStripeClient } from '@billing/platform';
import { StripePaymentGateway } from './stripe-payment-gateway';

describe('StripePaymentGateway (the stripe SDK against the local Stripe-compatible server)', () => {
  let stripe: StripeTestServer;
  let gateway: StripePaymentGateway;

  const request = (overrides: Partial<CreateGatewayCustomerRequest> = {}): CreateGatewayCustomerRequest => {
    const customerId = randomUUID();
    return { idempotencyKey: customerId, email: 'ada@example.com', name: 'Ada', metadata: { customerId, externalAccountId: 'acct_1' }, ...overrides };
  };
  const creates = () => stripe.requests().filter((r) => r.method === 'POST' && r.path === '/v1/customers');

  beforeEach(async () => {
    stripe = await startStripeTestServer();
    gateway = new StripePaymentGateway(createStripeClient({ secretKey: stripe.apiKey, ...stripe.clientOptions, timeoutMs: 1_000, maxNetworkRetries: 0 }));
  });
  afterEach(() => stripe.close());

  it('creates a Stripe customer with our id as idempotency key and in the metadata', async () => {
    const sent = request();
    const { gatewayCustomerId } = await gateway.createCustomer(sent);
    const [created] = stripe.customers();
    expect(created).to.deep.include({ id: gatewayCustomerId, email: 'ada@example.com', name: 'Ada' });
    expect(created!.metadata).to.deep.equal({ customerId: sent.metadata.customerId, externalAccountId: 'acct_1' });
    expect(creates().map((r) => r.idempotencyKey)).to.deep.equal([sent.idempotencyKey]);
  });

  it('returns the same Stripe customer on a retry, without creating again', async () => {
    const sent = request();
    const first = await gateway.createCustomer(sent);
    const again = await gateway.createCustomer(sent);
    expect(again).to.deep.equal(first);
    expect(stripe.customers()).to.have.length(1);
    expect(creates()).to.have.length(1);
  });

  it('finds the customer by metadata after Stripe forgot the idempotency key (24 h) and with a changed email', async () => {
    const sent = request();
    const first = await gateway.createCustomer(sent);
    stripe.expireIdempotencyKeys();
    const later = await gateway.createCustomer({ ...sent, email: 'changed@example.com' });
    expect(later).to.deep.equal(first);
    expect(stripe.customers()).to.have.length(1);
  });

  it('relies on the idempotency key while search has not caught up: a lost answer, then a retry, is one customer', async () => {
    const sent = request();
    stripe.setSearchLag(60_000);
    stripe.dropResponses(2, { method: 'POST', path: '/v1/customers' }); // two: the SDK retries a closed connection once
    const lost = await gateway.createCustomer(sent).catch((error: unknown) => error);
    expect(lost).to.be.instanceOf(PaymentGatewayUnavailableError);
    expect(stripe.customers()).to.have.length(1);
    const retried = await gateway.createCustomer(sent);
    expect(stripe.customers().map((c) => c.id)).to.deep.equal([retried.gatewayCustomerId]);
  });

  it('reports the key replayed with another body (email changed before search caught up) as unavailable, creating nothing', async () => {
    const sent = request();
    stripe.setSearchLag(60_000);
    stripe.dropResponses(2, { method: 'POST', path: '/v1/customers' });
    await gateway.createCustomer(sent).catch(() => undefined);
    const changed = await gateway.createCustomer({ ...sent, email: 'changed@example.com' }).catch((error: unknown) => error);
    expect(changed).to.be.instanceOf(PaymentGatewayUnavailableError);
    expect(stripe.customers()).to.have.length(1);
    stripe.setSearchLag(0); // the index caught up: the retry finds it
    expect((await gateway.createCustomer({ ...sent, email: 'changed@example.com' })).gatewayCustomerId).to.equal(stripe.customers()[0]!.id);
  });

  it('answers the oldest (ties by id) when several Stripe customers carry our id (made by hand), every time', async () => {
    const sent = request();
    const client = createStripeClient({ secretKey: stripe.apiKey, ...stripe.clientOptions, timeoutMs: 1_000, maxNetworkRetries: 0 });
    const made = [
      await client.customers.create({ metadata: { customerId: sent.metadata.customerId } }),
      await client.customers.create({ metadata: { customerId: sent.metadata.customerId } }),
    ];
    // Stripe's `created` has one-second resolution: both may share it.
    const [oldest] = made.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    expect((await gateway.createCustomer(sent)).gatewayCustomerId).to.equal(oldest!.id);
    expect((await gateway.createCustomer(sent)).gatewayCustomerId).to.equal(oldest!.id);
    expect(stripe.customers()).to.have.length(2);
  });

  for (const mode of ['http-500', 'connection-refused'] as const) {
    it(`reports Stripe ${mode} as PaymentGatewayUnavailableError and creates nothing`, async () => {
      await stripe.setDown(true, mode);
      const error = await gateway.createCustomer(request()).catch((e: unknown) => e);
      await stripe.setDown(false);
      expect(error).to.be.instanceOf(PaymentGatewayUnavailableError);
      expect(stripe.customers()).to.have.length(0);
    });
  }

  it('reports a refused request (a wrong API key) as a permanent error, not as unavailable', async () => {
    const wrongKey = new StripePaymentGateway(createStripeClient({ secretKey: 'sk_test_wrong', ...stripe.clientOptions, timeoutMs: 1_000, maxNetworkRetries: 0 }));
    const error = await wrongKey.createCustomer(request()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect(error).to.not.be.instanceOf(PaymentGatewayUnavailableError);
  });
});
