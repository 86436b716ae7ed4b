import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startPaymentHarness, type PaymentHarness } from '../../testing/payment-service.test-harness';

/**
 * POST /v1/payments/{id}/refunds and GET /v1/payments/{id}/webhook-deliveries on the real service (PostgreSQL, Kafka,
 * registry) against the local Stripe-compatible server, which delivers its webhooks to the service itself.
 */
describe('Payment refunds and webhook deliveries (PostgreSQL, Kafka, Stripe test server)', function () {
  this.timeout(60_000);
  let h: PaymentHarness;

  before(async () => {
    h = await startPaymentHarness();
    h.stripeServer.addWebhookEndpoint(`${h.service.httpUrl}/v1/webhooks/stripe`, h.webhookSecret);
  });
  after(async () => {
    h?.stripeServer.removeWebhookEndpoints();
    await h?.close();
  });

  /** A 1000-cent top-up, paid at Stripe, its payment_intent.succeeded delivered by the Stripe server. */
  async function paidPayment(): Promise<{ paymentId: string; intentId: string; customerId: string }> {
    const customerId = randomUUID();
    const stripeCustomer = await h.stripe.customers.create({ email: `${customerId}@example.com` });
    h.customerService.link(customerId, stripeCustomer.id);
    const created = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: await h.pack(500, 1_000), currency: 'EUR' }, idempotencyKey: randomUUID() });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const intentId: string = created.body.gatewayPaymentIntentId;
    await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    await h.stripeServer.flushWebhooks();
    expect((await h.api('GET', `/v1/payments/${created.body.paymentId}`)).body.status).to.equal('succeeded');
    return { paymentId: created.body.paymentId, intentId, customerId };
  }

  const refundsAtStripe = (intentId: string) => h.stripeServer.refunds().filter((refund) => refund.payment_intent === intentId);

  describe('POST /v1/payments/{paymentId}/refunds', () => {
    it('refunds in full by default; the charge.refunded webhook then records it on the payment and publishes PaymentRefunded', async () => {
      const { paymentId, intentId } = await paidPayment();
      const refund = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: {}, idempotencyKey: randomUUID(), actor: 'console:alice' });

      expect(refund.status, JSON.stringify(refund.body)).to.equal(201);
      expect(refund.body).to.include({ paymentId, amount: 1_000, currency: 'EUR', status: 'succeeded' });
      const atStripe = refundsAtStripe(intentId);
      expect(atStripe.map((r) => r.id)).to.deep.equal([refund.body.refundId]);
      expect(atStripe[0]!.metadata).to.include({ paymentId, actor: 'console:alice' });

      await h.stripeServer.flushWebhooks();
      const read = await h.api('GET', `/v1/payments/${paymentId}`);
      expect(read.body.totalRefunded).to.equal(1_000);
      expect(read.body.refunds.map((r: { refundId: string; amount: number }) => [r.refundId, r.amount])).to.deep.equal([[refund.body.refundId, 1_000]]);
      const outbox = await h.outboxOf(paymentId);
      expect(outbox.map((row) => row.event_type)).to.deep.equal(['PaymentSucceeded', 'PaymentRefunded']);
      expect(outbox.map((row) => row.headers.actor), 'the webhook publishes it as asked by the refund request\'s Billing-Actor').to.deep.equal([undefined, 'console:alice']);

      const again = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: {}, idempotencyKey: randomUUID() });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('PAYMENT_NOT_REFUNDABLE');
    });

    it('refunds in part; a replay of the key answers the same refund (one at Stripe); more than what is left is 422 and sends nothing', async () => {
      const { paymentId, intentId } = await paidPayment();
      const key = randomUUID();
      const first = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 400, reason: 'requested_by_customer' }, idempotencyKey: key });
      const replay = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 400, reason: 'requested_by_customer' }, idempotencyKey: key });
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      expect(replay.status).to.equal(201);
      expect(replay.body).to.deep.equal(first.body);
      expect(refundsAtStripe(intentId)).to.have.length(1);

      // Counted before its webhook is applied: the 400 requested leaves 600.
      const tooMuch = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 601 }, idempotencyKey: randomUUID() });
      expect(tooMuch.status).to.equal(422);
      expect(tooMuch.body.error).to.deep.include({ code: 'REFUND_EXCEEDS_PAYMENT' });
      expect(tooMuch.body.error.details).to.include({ field: 'amount', requested: 601, refundable: 600 });
      expect(refundsAtStripe(intentId), 'nothing sent').to.have.length(1);

      const rest = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: {}, idempotencyKey: randomUUID() });
      expect(rest.body).to.include({ amount: 600 });
      await h.stripeServer.flushWebhooks();
      expect((await h.api('GET', `/v1/payments/${paymentId}`)).body.totalRefunded).to.equal(1_000);
    });

    it('answers 409 PAYMENT_NOT_REFUNDABLE for a payment not paid, 400 for a bad amount, 404 for an unknown payment', async () => {
      const customerId = randomUUID();
      h.customerService.link(customerId, (await h.stripe.customers.create({ email: `${customerId}@example.com` })).id);
      const open = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: await h.pack(500, 1_000), currency: 'EUR' }, idempotencyKey: randomUUID() });
      const notPaid = await h.api('POST', `/v1/payments/${open.body.paymentId}/refunds`, { body: {}, idempotencyKey: randomUUID() });
      expect(notPaid.status).to.equal(409);
      expect(notPaid.body.error.code).to.equal('PAYMENT_NOT_REFUNDABLE');
      for (const amount of [0, -5, 1.5, '100']) {
        const bad = await h.api('POST', `/v1/payments/${open.body.paymentId}/refunds`, { body: { amount }, idempotencyKey: randomUUID() });
        expect(bad.status, String(amount)).to.equal(400);
        expect(bad.body.error).to.deep.include({ code: 'INVALID_REQUEST' });
        expect(bad.body.error.details.field).to.match(/amount/);
      }
      expect((await h.api('POST', `/v1/payments/${randomUUID()}/refunds`, { body: {}, idempotencyKey: randomUUID() })).status).to.equal(404);
      expect(refundsAtStripe(open.body.gatewayPaymentIntentId)).to.have.length(0);
    });

    it('refuses a customer-scoped token with 403 FORBIDDEN and writes nothing', async () => {
      const { paymentId, intentId } = await paidPayment();
      const key = randomUUID();
      const scoped = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: {}, idempotencyKey: key, token: h.scopedToken });
      expect(scoped.status).to.equal(403);
      expect(scoped.body.error.code).to.equal('FORBIDDEN');
      expect(refundsAtStripe(intentId)).to.have.length(0);
      const { rows } = await h.pool.query('select count(*)::int as n from idempotency_keys where key = $1', [key]);
      expect(rows[0].n).to.equal(0);
    });

    it('answers 503 PAYMENT_GATEWAY_UNAVAILABLE while Stripe is down, refunds nothing, and refunds once when retried', async () => {
      const { paymentId, intentId } = await paidPayment();
      const key = randomUUID();
      await h.stripeServer.setDown(true, 'connection-refused');
      let down;
      try {
        down = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 300 }, idempotencyKey: key });
      } finally {
        await h.stripeServer.setDown(false);
      }
      expect(down.status).to.equal(503);
      expect(down.body.error.code).to.equal('PAYMENT_GATEWAY_UNAVAILABLE');
      expect(refundsAtStripe(intentId)).to.have.length(0);
      expect((await h.api('GET', `/v1/payments/${paymentId}`)).body.totalRefunded).to.equal(0);

      const retried = await h.api('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 300 }, idempotencyKey: key });
      expect(retried.status).to.equal(201);
      expect(refundsAtStripe(intentId)).to.have.length(1);
    });
  });

  describe('GET /v1/payments/{paymentId}/webhook-deliveries', () => {
    it('lists every delivery about the payment, newest first: applied, a redelivery as duplicate, unhandled types as ignored', async () => {
      const { paymentId, intentId } = await paidPayment();
      const succeeded = h.eventPayload('payment_intent.succeeded', intentId);
      await h.stripeServer.redeliverEvent(succeeded.id);

      const list = await h.api('GET', `/v1/payments/${paymentId}/webhook-deliveries`);
      expect(list.status, JSON.stringify(list.body)).to.equal(200);
      const ofSucceeded = list.body.data.filter((delivery: { eventId: string }) => delivery.eventId === succeeded.id);
      expect(ofSucceeded.map((delivery: { outcome: string }) => delivery.outcome)).to.deep.equal(['duplicate', 'applied']);
      expect(ofSucceeded[1]).to.include({ type: 'payment_intent.succeeded', detail: 'payment succeeded' });
      expect(Date.parse(ofSucceeded[1].receivedAt)).to.be.above(0);
      expect(list.body.data.map((delivery: { type: string }) => delivery.type)).to.include('payment_intent.created');
      expect(list.body.nextCursor).to.equal(null);
      const { rows } = await h.pool.query('select count(*)::int as n from processed_webhook_events where event_id = $1', [succeeded.id]);
      expect(rows[0].n, 'dedup unchanged: one mark per event id').to.equal(1);

      const first = await h.api('GET', `/v1/payments/${paymentId}/webhook-deliveries?limit=1`);
      const second = await h.api('GET', `/v1/payments/${paymentId}/webhook-deliveries?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect([...first.body.data, ...second.body.data]).to.deep.equal(list.body.data.slice(0, 2));

      const scoped = await h.api('GET', `/v1/payments/${paymentId}/webhook-deliveries`, { token: h.scopedToken });
      expect(scoped.status).to.equal(403);
      expect(scoped.body.error.code).to.equal('FORBIDDEN');
    });
  });
});
