import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { signWebhook } from '@billing/testkit';
import { startPaymentHarness, type PaymentHarness } from './testing/payment-service.test-harness';

const key = process.env.STRIPE_SECRET_KEY ?? '';

/**
 * Opt-in: the same flows as payment-service.int.spec.ts, against Stripe test mode (api.stripe.com) instead of the
 * local server. Runs only with STRIPE_SECRET_KEY=sk_test_…; otherwise it says so and is skipped. Stripe cannot call
 * this machine, so the test fetches the real events (GET /v1/events) and signs and delivers them itself, as
 * `stripe listen --forward-to` would.
 */
describe('Payment service against Stripe test mode (opt-in: STRIPE_SECRET_KEY=sk_test_…)', function () {
  this.timeout(120_000);
  let h: PaymentHarness;

  before(async function () {
    if (!key.startsWith('sk_test_')) {
      console.log('    SKIPPED: Stripe test-mode suite — set STRIPE_SECRET_KEY=sk_test_… to run it against api.stripe.com');
      this.skip();
    }
    h = await startPaymentHarness({ stripeTestModeKey: key });
    await h.waitUntilConsuming('subscription-payments', 'billing.subscription.v1', (partition) =>
      h.produce('SubscriptionCreated', { ...subscriptionCreated(`probe-${randomUUID()}`, randomUUID()), amountDue: 0, status: 'trialing' }, { key: 'probe', partition }),
    );
  });
  after(async () => {
    await h?.close();
  });

  /** A Stripe test-mode customer with a Visa test card as default payment method, known to the customer service. */
  async function linkedCustomer() {
    const customerId = randomUUID();
    const customer = await h.stripe.customers.create({ email: `${customerId}@example.com`, payment_method: 'pm_card_visa', metadata: { test: 'billing-payment' } });
    const [card] = (await h.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data;
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card!.id } });
    h.customerService.link(customerId, customer.id);
    return { customerId, stripeCustomerId: customer.id };
  }

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      value = await read();
    }
    return value;
  }

  it('SubscriptionCreated (twice) → one PaymentIntent at Stripe whose client secret is readable over REST', async () => {
    const { customerId, stripeCustomerId } = await linkedCustomer();
    const subscriptionId = randomUUID();
    const eventId = await h.produce('SubscriptionCreated', subscriptionCreated(subscriptionId, customerId), { key: subscriptionId });
    await h.produce('SubscriptionCreated', subscriptionCreated(subscriptionId, customerId), { key: subscriptionId, eventId });
    const second = await h.produce('SubscriptionCreated', subscriptionCreated(subscriptionId, customerId), { key: subscriptionId });

    expect(await h.eventuallyProcessed('subscription-payments', [eventId, second], 60_000)).to.equal(2);
    const found = await h.api('GET', `/v1/payments?subscriptionId=${subscriptionId}&periodIndex=1`);
    expect(found.body.data).to.have.length(1);
    const view = found.body.data[0];
    const intent = await h.stripe.paymentIntents.retrieve(view.gatewayPaymentIntentId);
    expect(intent).to.deep.include({ amount: 2_900, currency: 'eur', customer: stripeCustomerId, client_secret: view.clientSecret });
    expect(intent.metadata).to.include({ paymentId: view.paymentId, subscriptionId, periodIndex: '1' });
    const { rows } = await h.pool.query('select count(*)::int as n from payments where reference_id = $1', [subscriptionId]);
    expect(rows[0].n).to.equal(1);
  });

  it('a top-up paid with a test card: the real payment_intent.succeeded delivered 3 times → one PaymentSucceeded; a refund → PaymentRefunded', async () => {
    const { customerId } = await linkedCustomer();
    const created = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: await h.pack(500, 1_000), currency: 'EUR' }, idempotencyKey: randomUUID() });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const { paymentId, gatewayPaymentIntentId: intentId } = created.body;
    await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa', return_url: 'https://example.com/return' });
    const succeeded = await h.testModeEventPayload('payment_intent.succeeded', intentId);

    const answers = await Promise.all([1, 2, 3].map(() => h.deliver(succeeded.payload)));
    expect(answers.map((answer) => answer.body.outcome).sort()).to.deep.equal(['applied', 'duplicate', 'duplicate']);

    const bad = await h.deliver(succeeded.payload, { 'content-type': 'application/json', 'stripe-signature': signWebhook(succeeded.payload, 'whsec_wrong') });
    expect(bad.status).to.equal(400);

    await h.stripe.refunds.create({ payment_intent: intentId, amount: 400 });
    const refunded = await h.testModeEventPayload('charge.refunded', intentId);
    expect((await h.deliver(refunded.payload)).body.outcome).to.equal('applied');

    const published = await h.paymentEvents(paymentId, (events) => events.some((event) => event.type === 'PaymentRefunded'), 30_000);
    expect(published.map((event) => event.type)).to.deep.equal(['PaymentSucceeded', 'PaymentRefunded']);
    expect(published[1]!.payload).to.include({ amountRefunded: 400, totalRefunded: 400 });
  });

  it('SubscriptionRenewalDue → an off-session charge of the default card → PaymentSucceeded', async () => {
    const { customerId } = await linkedCustomer();
    const subscriptionId = randomUUID();
    await h.produce('SubscriptionRenewalDue', renewalDue(subscriptionId, customerId), { key: subscriptionId });

    const found = await eventually(
      () => h.api('GET', `/v1/payments?subscriptionId=${subscriptionId}&periodIndex=2&attempt=1`),
      (response) => response.body.data?.[0]?.status === 'succeeded',
      60_000,
    );
    expect(found.body.data[0]).to.include({ status: 'succeeded', offSession: true });
    const published = await h.paymentEvents(found.body.data[0].paymentId, (events) => events.some((event) => event.type === 'PaymentSucceeded'), 30_000);
    expect(published.map((event) => event.type)).to.deep.equal(['PaymentSucceeded']);
  });
});

function subscriptionCreated(subscriptionId: string, customerId: string) {
  return {
    subscriptionId,
    customerId,
    planId: 'plan-pro',
    planVersion: 1,
    status: 'incomplete',
    periodIndex: 1,
    amountDue: 2_900,
    currency: 'EUR',
    trialEndsAt: null,
    occurredAt: new Date().toISOString(),
  };
}

function renewalDue(subscriptionId: string, customerId: string) {
  return {
    subscriptionId,
    customerId,
    planId: 'plan-pro',
    planVersion: 1,
    periodIndex: 2,
    periodStart: new Date().toISOString(),
    periodEnd: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    amount: 2_900,
    currency: 'EUR',
    attempt: 1,
    occurredAt: new Date().toISOString(),
  };
}
