import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { PgExecutor } from '@billing/platform';
import { eventually, signWebhook } from '@billing/testkit';
import { PaymentConcurrentUpdateError } from './domain/payment.errors';
import { SqlWebhookUnits } from './infrastructure/sql-webhook-unit';
import { startPaymentHarness, type PaymentHarness } from './testing/payment-service.test-harness';

/**
 * The payment service started in-process on PostgreSQL, Kafka and the schema registry, talking to the local
 * Stripe-compatible server and a fake customer gRPC service.
 */
describe('Payment service (PostgreSQL, Kafka, Stripe test server)', function () {
  this.timeout(60_000);
  let h: PaymentHarness;

  before(async () => {
    h = await startPaymentHarness();
  });
  after(async () => {
    await h?.close();
  });

  /** A customer with a Stripe customer (default card) that only the customer service's gRPC API knows about. */
  async function linkedCustomer(defaultPaymentMethod: string | null = 'pm_card_visa'): Promise<{ customerId: string; stripeCustomerId: string }> {
    const customerId = randomUUID();
    const stripeCustomer = await h.stripe.customers.create({
      email: `${customerId}@example.com`,
      ...(defaultPaymentMethod === null ? {} : { invoice_settings: { default_payment_method: defaultPaymentMethod } }),
    });
    h.customerService.link(customerId, stripeCustomer.id);
    return { customerId, stripeCustomerId: stripeCustomer.id };
  }

  /** POST /v1/top-ups → the payment view (intent open at the Stripe server, requires_payment_method). */
  async function topUp(amount = 1_000): Promise<{ paymentId: string; intentId: string; customerId: string }> {
    const { customerId } = await linkedCustomer();
    const response = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: await h.pack(500, amount), currency: 'EUR' }, idempotencyKey: randomUUID() });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return { paymentId: response.body.paymentId, intentId: response.body.gatewayPaymentIntentId, customerId };
  }

  /** A top-up the customer paid at Stripe (card confirmed); returns the exact signed-able payment_intent.succeeded body. */
  async function paidTopUp(amount = 1_000) {
    const payment = await topUp(amount);
    await h.stripe.paymentIntents.confirm(payment.intentId, { payment_method: 'pm_card_visa' });
    return { ...payment, succeeded: h.eventPayload('payment_intent.succeeded', payment.intentId) };
  }

  describe('in local mode (the local Stripe-compatible server)', () => {
    it('links the test checkout of a payment while the customer can pay it, and no longer once it succeeded', async () => {
      const { paymentId, intentId } = await topUp();
      const open = await h.api('GET', `/v1/payments/${paymentId}`);
      const clientSecret: string = open.body.clientSecret;
      expect(clientSecret).to.match(new RegExp(`^${intentId}_secret_`));
      expect(open.body.checkoutUrl).to.equal(`${h.stripeServer.url}/pay/${encodeURIComponent(clientSecret)}`);
      const page = await fetch(open.body.checkoutUrl);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.contain('10.00');

      await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
      expect((await h.deliver(h.eventPayload('payment_intent.succeeded', intentId).payload)).status).to.equal(200);
      const paid = await h.api('GET', `/v1/payments/${paymentId}`);
      expect(paid.body).to.include({ status: 'succeeded', clientSecret: null });
      expect(paid.body).to.not.have.property('checkoutUrl');
    });
  });

  describe('POST /v1/webhooks/stripe', () => {
    describe('while the webhook secret is rolled (STRIPE_WEBHOOK_SECRET=new,old)', () => {
      it('accepts an event signed with the old secret and refuses one signed with neither', async () => {
        const { paymentId, succeeded } = await paidTopUp();
        const signedWith = (secret: string) => ({ 'content-type': 'application/json', 'stripe-signature': signWebhook(succeeded.payload, secret) });
        const before = await h.counts();

        const stranger = await h.deliver(succeeded.payload, signedWith(`whsec_${randomUUID().replaceAll('-', '')}`));
        expect(stranger.status).to.equal(400);
        expect(stranger.body.error.code).to.equal('WEBHOOK_SIGNATURE_INVALID');
        expect(await h.counts()).to.deep.equal(before);

        const old = await h.deliver(succeeded.payload, signedWith(h.previousWebhookSecret));
        expect(old.status, JSON.stringify(old.body)).to.equal(200);
        expect(old.body).to.include({ outcome: 'applied', paymentId });
      });
    });

    describe('when the same signed event is delivered 3 times', () => {
      it('changes the payment once and publishes one PaymentSucceeded on billing.payment.v1', async () => {
        const { paymentId, succeeded } = await paidTopUp();
        const before = await h.paymentRow(paymentId);
        const signature = signWebhook(succeeded.payload, h.webhookSecret);
        const headers = { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature };

        const answers = await Promise.all([1, 2, 3].map(() => h.deliver(succeeded.payload, headers)));

        expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200]);
        expect(answers.map((answer) => answer.body.outcome).sort()).to.deep.equal(['applied', 'duplicate', 'duplicate']);
        const after = await h.paymentRow(paymentId);
        expect(after.status).to.equal('succeeded');
        expect(after.version, 'one payment change').to.equal(before.version + 1);
        const { rows } = await h.pool.query('select count(*)::int as n from processed_webhook_events where event_id = $1', [succeeded.id]);
        expect(rows[0].n).to.equal(1);
        expect((await h.outboxOf(paymentId)).map((row) => row.event_type)).to.deep.equal(['PaymentSucceeded']);
        const published = await h.paymentEvents(paymentId, (events) => events.some((event) => event.type === 'PaymentSucceeded'));
        expect(published.map((event) => event.type)).to.deep.equal(['PaymentSucceeded']);
        expect(published[0]!.payload).to.include({ paymentId, purpose: 'CREDIT_TOP_UP', amount: 1_000, currency: 'EUR', credits: 500 });
      });
    });

    describe('when succeeded is delivered before processing', () => {
      it('ends succeeded: the late processing event changes nothing', async () => {
        const { paymentId, intentId } = await topUp();
        await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_test_processing' });
        const processing = h.eventPayload('payment_intent.processing', intentId);
        h.stripeServer.succeedPaymentIntent(intentId);
        const succeeded = h.eventPayload('payment_intent.succeeded', intentId);

        expect((await h.deliver(succeeded.payload)).body.outcome).to.equal('applied');
        expect((await h.deliver(processing.payload)).body.outcome).to.equal('unchanged');

        expect((await h.paymentRow(paymentId)).status).to.equal('succeeded');
        expect((await h.outboxOf(paymentId)).map((row) => row.event_type)).to.deep.equal(['PaymentSucceeded']);
      });
    });

    describe('when an event is older than the state held', () => {
      it('re-reads the intent from Stripe and applies what is true now', async () => {
        const { paymentId, intentId } = await topUp();
        await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_test_processing' });
        const processing = JSON.parse(h.eventPayload('payment_intent.processing', intentId).payload);
        h.stripeServer.failPaymentIntent(intentId, { code: 'card_declined', declineCode: 'insufficient_funds' });
        const failed = h.eventPayload('payment_intent.payment_failed', intentId);
        await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' }); // the customer tries another card

        // `processing` stamped later than the failure, as if delivered out of order across seconds (re-signed by us).
        processing.created += 60;
        expect((await h.deliver(JSON.stringify(processing))).body.outcome).to.equal('applied');
        const stale = await h.deliver(failed.payload);

        expect(stale.body).to.include({ outcome: 'applied', status: 'succeeded', refetched: true });
        expect((await h.outboxOf(paymentId)).map((row) => row.event_type)).to.deep.equal(['PaymentSucceeded']);
      });
    });

    describe('when the delivery cannot be trusted or read', () => {
      const cases: [name: string, code: string, make: (payload: string, secret: string) => { body: string | Buffer; headers: Record<string, string> }][] = [
        ['a bad signature', 'WEBHOOK_SIGNATURE_INVALID', (payload) => ({ body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(payload, 'whsec_someone_else') } })],
        [
          'a timestamp older than 300 s',
          'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE',
          (payload, secret) => ({ body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(payload, secret, Math.floor(Date.now() / 1000) - 301) } }),
        ],
        [
          'a signature dated an hour in the future',
          'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE',
          (payload, secret) => ({ body: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(payload, secret, Math.floor(Date.now() / 1000) + 3_600) } }),
        ],
        ['no signature header', 'WEBHOOK_SIGNATURE_MISSING', (payload) => ({ body: payload, headers: { 'content-type': 'application/json' } })],
        [
          'a signed body that is not JSON',
          'WEBHOOK_PAYLOAD_NOT_JSON',
          (payload, secret) => {
            const body = payload.slice(0, -1); // cut the closing brace
            return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(body, secret) } };
          },
        ],
        [
          'a 2 MB body',
          'PAYLOAD_TOO_LARGE',
          (payload, secret) => {
            const body = JSON.stringify({ ...JSON.parse(payload), padding: 'x'.repeat(2 * 1024 * 1024) });
            return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(body, secret) } };
          },
        ],
      ];
      for (const [name, code, make] of cases) {
        // Over the body limit is the contract's 413, whatever the route; every other refusal is the webhook's own 400.
        const status = code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
        it(`answers ${status} ${code} to ${name} and writes nothing`, async () => {
          const { succeeded } = await paidTopUp();
          const before = await h.counts();
          const { body, headers } = make(succeeded.payload, h.webhookSecret);

          const answer = await h.deliver(body, headers);

          expect(answer.status).to.equal(status);
          expect(answer.body.error.code).to.equal(code);
          expect(await h.counts()).to.deep.equal(before);
        });
      }
    });

    describe('when a succeeded payment is refunded', () => {
      it('publishes PaymentRefunded with the refunded amount', async () => {
        const { paymentId, intentId, succeeded } = await paidTopUp(1_000);
        await h.deliver(succeeded.payload);
        await h.stripe.refunds.create({ payment_intent: intentId, amount: 400 });
        const refunded = h.eventPayload('charge.refunded', intentId);

        expect((await h.deliver(refunded.payload)).body.outcome).to.equal('applied');
        expect((await h.deliver(refunded.payload)).body.outcome).to.equal('duplicate');

        const published = await h.paymentEvents(paymentId, (events) => events.some((event) => event.type === 'PaymentRefunded'));
        const refundEvents = published.filter((event) => event.type === 'PaymentRefunded');
        expect(refundEvents).to.have.length(1);
        expect(refundEvents[0]!.payload).to.include({ paymentId, amount: 1_000, amountRefunded: 400, totalRefunded: 400, gatewayPaymentIntentId: intentId });
      });
    });

    describe('when a succeeded payment is disputed', () => {
      it('publishes PaymentDisputed, then PaymentDisputeClosed with the closed status', async () => {
        const { paymentId, intentId, succeeded } = await paidTopUp(2_500);
        await h.deliver(succeeded.payload);
        const dispute = h.stripeServer.createDispute(intentId, { amount: 2_500 });
        expect((await h.deliver(h.eventPayload('charge.dispute.created', dispute.id).payload)).body.outcome).to.equal('applied');
        h.stripeServer.updateDispute(dispute.id, 'lost');
        expect((await h.deliver(h.eventPayload('charge.dispute.closed', dispute.id).payload)).body.outcome).to.equal('applied');

        const published = await h.paymentEvents(paymentId, (events) => events.some((event) => event.type === 'PaymentDisputeClosed'));
        expect(published.map((event) => event.type)).to.deep.equal(['PaymentSucceeded', 'PaymentDisputed', 'PaymentDisputeClosed']);
        expect(published[1]!.payload).to.include({ paymentId, disputeId: dispute.id, disputeStatus: 'needs_response', amountDisputed: 2_500 });
        expect(published[2]!.payload).to.include({ paymentId, disputeId: dispute.id, status: 'lost', amountDisputed: 2_500 });
        expect((await h.paymentRow(paymentId)).disputes).to.have.length(1);
        const read = await h.api('GET', `/v1/payments/${paymentId}`);
        expect(read.body.disputes).to.have.length(1);
        expect(read.body.disputes[0]).to.include({ disputeId: dispute.id, status: 'lost', amount: 2_500 });
        expect(Date.parse(read.body.disputes[0].closedAt)).to.be.at.least(Date.parse(read.body.disputes[0].openedAt));
      });
    });

    describe('when Stripe itself delivers (webhook endpoint registered at the test server)', () => {
      it('acknowledges unknown types, applies payment_intent.succeeded, and drops a redelivery', async () => {
        h.stripeServer.addWebhookEndpoint(`${h.service.httpUrl}/v1/webhooks/stripe`, h.webhookSecret);
        try {
          const { paymentId, intentId } = await topUp();
          await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
          await h.stripeServer.flushWebhooks();
          await h.stripeServer.redeliverEvent(h.eventPayload('payment_intent.succeeded', intentId).id);

          const deliveries = h.stripeServer.deliveries().filter((delivery) => delivery.url.startsWith(h.service.httpUrl));
          expect(deliveries.map((delivery) => delivery.status)).to.satisfy((statuses: number[]) => statuses.every((status) => status === 200));
          expect(deliveries.map((delivery) => delivery.type)).to.include.members(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
          expect((await h.paymentRow(paymentId)).status).to.equal('succeeded');
          expect((await h.outboxOf(paymentId)).map((row) => row.event_type)).to.deep.equal(['PaymentSucceeded']);
        } finally {
          h.stripeServer.removeWebhookEndpoints();
        }
      });
    });

    describe('when another writer commits between the reads and the one statement that writes (SqlWebhookUnits)', () => {
      const deliveryOf = (eventId: string, paymentId: string | null) => ({
        eventId,
        type: 'payment_intent.succeeded',
        receivedAt: new Date(),
        outcome: 'applied' as const,
        detail: 'test',
        paymentId,
        paymentIntentId: null,
      });
      const writtenFor = async (eventId: string) => {
        const { rows } = await h.pool.query(
          `select (select count(*)::int from processed_webhook_events where event_id = $1) as marks,
                  (select count(*)::int from webhook_deliveries where event_id = $1) as deliveries`,
          [eventId],
        );
        return rows[0];
      };

      it('writes nothing (no mark, no outbox row, no delivery) and throws PAYMENT_CONCURRENT_UPDATE when the payment was saved', async () => {
        const { paymentId, intentId } = await topUp();
        const units = new SqlWebhookUnits(new PgExecutor(h.pool));
        const eventId = `evt_${randomUUID()}`;
        const context = await units.flowContextOf(intentId, eventId);
        expect(context, "the top-up's flow").to.not.equal(undefined);

        const failure = await units
          .transaction(context!, async (stores) => {
            expect(await stores.processed.markProcessed(eventId)).to.equal(true);
            const payment = (await stores.payments.findByGatewayIntentId(intentId))!;
            await h.pool.query('update payments set version = version + 1 where payment_id = $1', [paymentId]);
            expect(payment.observeIntentStatus('succeeded', { observedAt: new Date() })).to.equal(true);
            await stores.payments.save(payment);
            await stores.deliveries.record(deliveryOf(eventId, paymentId));
          })
          .then(() => undefined, (error: unknown) => error);

        expect(failure).to.be.instanceOf(PaymentConcurrentUpdateError);
        expect(await writtenFor(eventId)).to.deep.equal({ marks: 0, deliveries: 0 });
        expect((await h.paymentRow(paymentId)).status).to.equal('requires_payment_method');
        expect((await h.outboxOf(paymentId)).map((row) => row.event_type)).to.not.include('PaymentSucceeded');
      });

      it('writes nothing and throws PAYMENT_CONCURRENT_UPDATE when the event id was marked; the next unit reads it marked', async () => {
        const { intentId } = await topUp();
        const units = new SqlWebhookUnits(new PgExecutor(h.pool));
        const eventId = `evt_${randomUUID()}`;
        const context = await units.flowContextOf(intentId, eventId);
        await h.pool.query('insert into processed_webhook_events (event_id) values ($1)', [eventId]);

        const failure = await units
          .transaction(context!, async (stores) => {
            expect(await stores.processed.markProcessed(eventId), 'as read before the mark').to.equal(true);
            await stores.deliveries.record(deliveryOf(eventId, null));
          })
          .then(() => undefined, (error: unknown) => error);

        expect(failure).to.be.instanceOf(PaymentConcurrentUpdateError);
        expect(await writtenFor(eventId)).to.deep.equal({ marks: 1, deliveries: 0 });
        expect(await units.transaction(context!, (stores) => stores.processed.markProcessed(eventId))).to.equal(false);
      });
    });
  });

  describe('consuming billing.subscription.v1', () => {
    before(async () => {
      await h.waitUntilConsuming('subscription-payments', 'billing.subscription.v1', (partition) =>
        h.produce('SubscriptionCreated', subscriptionCreated(`probe-${randomUUID()}`, randomUUID(), 0), { key: 'probe', partition }),
      );
      await h.waitUntilConsuming('customer-gateway-links', 'billing.customer.v1', (partition) =>
        h.produce('PaymentGatewayLinked', gatewayLinked(randomUUID(), 'cus_probe', 'probe-gateway'), { key: 'probe', partition }),
      );
    });

    describe('when SubscriptionCreated is consumed (and then redelivered, and re-sent under a new event id)', () => {
      it('opens one PaymentIntent whose client secret the front end reads over REST', async () => {
        const customerId = randomUUID();
        const stripeCustomer = await h.stripe.customers.create({ email: `${customerId}@example.com` });
        // The link arrives as the customer service publishes it: through the projection, not gRPC.
        await h.produce('PaymentGatewayLinked', gatewayLinked(customerId, stripeCustomer.id), { key: customerId });
        expect(await h.projectedLink(customerId)).to.deep.equal({ gateway_customer_id: stripeCustomer.id, source: 'event' });
        const grpcCallsBefore = h.customerService.calls;
        const subscriptionId = randomUUID();
        const created = subscriptionCreated(subscriptionId, customerId, 2_900);
        const eventId = await h.produce('SubscriptionCreated', created, { key: subscriptionId });
        await h.produce('SubscriptionCreated', created, { key: subscriptionId, eventId });
        const resent = await h.produce('SubscriptionCreated', created, { key: subscriptionId });

        const found = await eventuallyFound(() => h.api('GET', `/v1/payments?subscriptionId=${subscriptionId}&periodIndex=1`), (view) => view.clientSecret !== null);
        expect(await h.eventuallyProcessed('subscription-payments', [eventId, resent])).to.equal(2);
        const paymentId = found.body.data[0].paymentId;
        const payment = await h.api('GET', `/v1/payments/${paymentId}`);

        const intents = h.stripeServer.paymentIntents().filter((intent) => intent.metadata.subscriptionId === subscriptionId);
        expect(intents).to.have.length(1);
        expect(intents[0]).to.deep.include({ amount: 2_900, currency: 'eur', customer: stripeCustomer.id, status: 'requires_payment_method' });
        expect(intents[0]!.metadata).to.include({ paymentId, purpose: 'SUBSCRIPTION_PERIOD', periodIndex: '1' });
        expect(payment.status).to.equal(200);
        expect(payment.body).to.include({ paymentId, status: 'requires_payment_method', clientSecret: intents[0]!.client_secret, offSession: false });
        const creates = h.stripeServer.requests().filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents' && request.idempotencyKey === `subscription:${subscriptionId}:period:1`);
        expect(creates).to.have.length(1);
        expect(h.customerService.calls - grpcCallsBefore, 'the projection answered, not gRPC').to.equal(0);
      });
    });

    describe('when SubscriptionRenewalDue is consumed', () => {
      it('charges the default card off-session and publishes PaymentSucceeded', async () => {
        const { customerId, stripeCustomerId } = await linkedCustomer();
        const subscriptionId = randomUUID();
        await h.produce('SubscriptionRenewalDue', renewalDue(subscriptionId, customerId, 2), { key: subscriptionId });

        const found = await eventuallyFound(() => h.api('GET', `/v1/payments?subscriptionId=${subscriptionId}&periodIndex=2&attempt=2`), (view) => view.status === 'succeeded');
        const paymentId = found.body.data[0].paymentId;
        expect(found.body.data[0]).to.include({ status: 'succeeded', offSession: true, attempt: 2, clientSecret: null });
        const intent = h.stripeServer.paymentIntents().find((candidate) => candidate.metadata.paymentId === paymentId)!;
        expect(intent).to.deep.include({ customer: stripeCustomerId, payment_method: 'pm_card_visa', status: 'succeeded' });
        const published = await h.paymentEvents(paymentId, (events) => events.some((event) => event.type === 'PaymentSucceeded'));
        expect(published[0]!.payload).to.include({ purpose: 'SUBSCRIPTION_PERIOD', referenceId: subscriptionId, periodIndex: 2 });
      });
    });

    describe('when SubscriptionUpgradeRequested is consumed', () => {
      it('charges the prorated difference off-session once per change and publishes PaymentSucceeded / PaymentFailed with the changeId', async () => {
        const paying = await linkedCustomer();
        const declined = await linkedCustomer('pm_card_chargeDeclinedInsufficientFunds');
        const [paid, refused] = [randomUUID(), randomUUID()];
        await h.produce('SubscriptionUpgradeRequested', upgradeRequested(paid, paying.customerId, 'chg-paid'), { key: paid });
        await h.produce('SubscriptionUpgradeRequested', upgradeRequested(paid, paying.customerId, 'chg-paid'), { key: paid });
        await h.produce('SubscriptionUpgradeRequested', upgradeRequested(refused, declined.customerId, 'chg-declined'), { key: refused });

        const intentOf = (changeId: string) => eventually(async () => h.stripeServer.paymentIntents().filter((intent) => intent.metadata.changeId === changeId), (found) => found.length > 0 && found[0]!.status !== 'processing', 20_000);
        const [paidIntents, declinedIntents] = [await intentOf('chg-paid'), await intentOf('chg-declined')];
        expect(paidIntents, 'one intent for a redelivered request').to.have.length(1);
        expect(paidIntents[0]).to.deep.include({ amount: 1_750, currency: 'eur', customer: paying.stripeCustomerId, status: 'succeeded' });
        expect(paidIntents[0]!.metadata).to.include({ purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: paid, periodIndex: '3', changeId: 'chg-paid' });
        const paidView = await eventually(() => h.api('GET', `/v1/payments/${paidIntents[0]!.metadata.paymentId}`), (answer) => answer.body.status === 'succeeded');
        expect(paidView.body.reference).to.deep.equal({ purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: paid, periodIndex: 3, changeId: 'chg-paid' });
        const succeeded = await h.paymentEvents(paidView.body.paymentId, (events) => events.some((event) => event.type === 'PaymentSucceeded'));
        expect(succeeded[0]!.payload).to.include({ purpose: 'SUBSCRIPTION_UPGRADE', referenceId: paid, periodIndex: 3, changeId: 'chg-paid', amount: 1_750 });

        const failed = await h.paymentEvents(declinedIntents[0]!.metadata.paymentId!, (events) => events.some((event) => event.type === 'PaymentFailed'));
        expect(failed[0]!.payload).to.include({ purpose: 'SUBSCRIPTION_UPGRADE', referenceId: refused, changeId: 'chg-declined', reason: 'insufficient_funds' });
      });
    });

    describe('when a renewal cannot be charged', () => {
      it('publishes PaymentFailed with the decline reason and the attempt (card declined, or no card at all)', async () => {
        const declined = await linkedCustomer('pm_card_chargeDeclinedInsufficientFunds');
        const cardless = await linkedCustomer(null);
        const [first, second] = [randomUUID(), randomUUID()];
        await h.produce('SubscriptionRenewalDue', renewalDue(first, declined.customerId, 3), { key: first });
        await h.produce('SubscriptionRenewalDue', renewalDue(second, cardless.customerId, 1), { key: second });

        const failed = await eventuallyFound(() => h.api('GET', `/v1/payments?subscriptionId=${first}&periodIndex=2&attempt=3`), (view) => view.status === 'failed');
        const missing = await eventuallyFound(() => h.api('GET', `/v1/payments?subscriptionId=${second}&periodIndex=2&attempt=1`), (view) => view.status === 'failed');

        expect(failed.body.data[0].failure).to.include({ code: 'card_declined', declineCode: 'insufficient_funds', attempt: 3 });
        expect(missing.body.data[0].failure).to.include({ code: 'payment_method_missing', attempt: 1 });
        const events = await h.paymentEvents(failed.body.data[0].paymentId, (read) => read.some((event) => event.type === 'PaymentFailed'));
        expect(events.map((event) => event.type)).to.deep.equal(['PaymentFailed']);
        expect(events[0]!.payload).to.include({ reason: 'insufficient_funds', attempt: 3, referenceId: first, periodIndex: 2 });
      });
    });
  });

  describe('top-up catalogue (REST)', () => {
    const idempotencyKeys = async () => (await h.pool.query('select count(*)::int as n from idempotency_keys')).rows[0].n as number;

    it('creates, lists, reprices and deactivates a pack; a top-up is priced by it and refused once it is no longer sold', async () => {
      const code = `pack-${randomUUID().slice(0, 8)}`;
      const body = { code, credits: 750, prices: [{ amount: 1_500, currency: 'EUR' }, { amount: 1_700, currency: 'usd' }] };
      const key = randomUUID();
      const created = await h.api('POST', '/v1/top-up-packs', { body, idempotencyKey: key });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.deep.include({ code, credits: 750, active: true, prices: [{ amount: 1_500, currency: 'EUR' }, { amount: 1_700, currency: 'USD' }] });
      expect(await h.api('POST', '/v1/top-up-packs', { body, idempotencyKey: key })).to.deep.equal(created);
      const again = await h.api('POST', '/v1/top-up-packs', { body, idempotencyKey: randomUUID() });
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'TOP_UP_PACK_ALREADY_EXISTS']);

      const listed = await h.api('GET', '/v1/top-up-packs?limit=100');
      expect(listed.body.data.map((pack: { code: string }) => pack.code)).to.include(code);

      const repriced = await h.api('PATCH', `/v1/top-up-packs/${code}`, { body: { prices: [{ amount: 1_400, currency: 'EUR' }] }, idempotencyKey: randomUUID() });
      expect(repriced.status, JSON.stringify(repriced.body)).to.equal(200);
      expect(repriced.body).to.deep.include({ credits: 750, prices: [{ amount: 1_400, currency: 'EUR' }] });

      const { customerId } = await linkedCustomer();
      const bought = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: code, currency: 'EUR' }, idempotencyKey: randomUUID() });
      expect(bought.status, JSON.stringify(bought.body)).to.equal(201);
      expect(bought.body.quote).to.deep.equal({ packCode: code, credits: 750, amount: 1_400, currency: 'EUR' });
      expect(bought.body).to.deep.include({ amount: 1_400, currency: 'EUR', reference: { purpose: 'CREDIT_TOP_UP', topUpId: bought.body.reference.topUpId, credits: 750 } });
      expect(h.stripeServer.paymentIntents().find((intent) => intent.id === bought.body.gatewayPaymentIntentId)).to.deep.include({ amount: 1_400, currency: 'eur' });
      const notPriced = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: code, currency: 'USD' }, idempotencyKey: randomUUID() });
      expect([notPriced.status, notPriced.body.error.code]).to.deep.equal([422, 'TOP_UP_PACK_NOT_PRICED']);

      const deactivated = await h.api('POST', `/v1/top-up-packs/${code}/deactivate`, { idempotencyKey: randomUUID() });
      expect([deactivated.status, deactivated.body.active]).to.deep.equal([200, false]);
      const onSale = await h.api('GET', '/v1/top-up-packs?limit=100');
      expect(onSale.body.data.map((pack: { code: string }) => pack.code)).not.to.include(code);
      const all = await h.api('GET', '/v1/top-up-packs?active=false&limit=100');
      expect(all.body.data.map((pack: { code: string }) => pack.code)).to.include(code);
      const refused = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: code, currency: 'EUR' }, idempotencyKey: randomUUID() });
      expect([refused.status, refused.body.error.code]).to.deep.equal([422, 'TOP_UP_PACK_NOT_ACTIVE']);
      const unknown = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: 'no-such-pack', currency: 'EUR' }, idempotencyKey: randomUUID() });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'TOP_UP_PACK_NOT_FOUND']);
    });

    it('refuses a customer-scoped token every catalogue write with 403 FORBIDDEN and writes nothing, but lets it read', async () => {
      const code = await h.pack(500, 1_000);
      const before = { counts: await h.counts(), keys: await idempotencyKeys() };
      const scoped = { token: h.scopedToken, idempotencyKey: randomUUID() };
      const answers = [
        await h.api('POST', '/v1/top-up-packs', { ...scoped, body: { code: `scoped-${randomUUID().slice(0, 8)}`, credits: 1_000_000, prices: [{ amount: 1, currency: 'EUR' }] } }),
        await h.api('PATCH', `/v1/top-up-packs/${code}`, { ...scoped, body: { prices: [{ amount: 1, currency: 'EUR' }] } }),
        await h.api('POST', `/v1/top-up-packs/${code}/deactivate`, scoped),
      ];
      expect(answers.map((answer) => [answer.status, answer.body.error?.code])).to.deep.equal([
        [403, 'FORBIDDEN'],
        [403, 'FORBIDDEN'],
        [403, 'FORBIDDEN'],
      ]);
      expect({ counts: await h.counts(), keys: await idempotencyKeys() }).to.deep.equal(before);
      const pack = await h.pool.query('select prices, active from top_up_packs where code = $1', [code]);
      expect(pack.rows[0]).to.deep.equal({ prices: [{ amount: 1_000, currency: 'EUR' }], active: true });
      expect((await h.api('GET', '/v1/top-up-packs', { token: h.scopedToken })).status).to.equal(200);
    });

    it('refuses a top-up that names its own price with 400 PRICE_NOT_ACCEPTED: no payment, no idempotency key, no Stripe call', async () => {
      const { customerId } = await linkedCustomer();
      const packCode = await h.pack(500, 1_000);
      const before = { counts: await h.counts(), keys: await idempotencyKeys(), stripeRequests: h.stripeServer.requests().length };
      const bodies = [
        { customerId, credits: 1_000_000, amount: 1, currency: 'EUR' },
        { customerId, packCode, currency: 'EUR', amount: 1 },
        { customerId, packCode, currency: 'EUR', credits: 1_000_000 },
      ];
      for (const body of bodies) {
        const answer = await h.api('POST', '/v1/top-ups', { body, idempotencyKey: randomUUID() });
        expect([answer.status, answer.body.error?.code], JSON.stringify(body)).to.deep.equal([400, 'PRICE_NOT_ACCEPTED']);
      }
      expect({ counts: await h.counts(), keys: await idempotencyKeys(), stripeRequests: h.stripeServer.requests().length }).to.deep.equal(before);
    });

    it('refuses a top-up for a deactivated customer (CustomerDeactivated consumed, or the customer service says so) with 409 CUSTOMER_DEACTIVATED', async () => {
      const packCode = await h.pack(500, 1_000);
      const projected = await linkedCustomer();
      await h.service.runtime.consumersFetching();
      await h.produce('CustomerDeactivated', { customerId: projected.customerId, externalAccountId: projected.customerId, occurredAt: new Date().toISOString() }, { key: projected.customerId });
      await eventually(
        () => h.pool.query('select 1 from customer_deactivations where customer_id = $1', [projected.customerId]),
        (result) => result.rowCount === 1,
      );
      const asked = await linkedCustomer();
      h.customerService.deactivate(asked.customerId);
      const before = { counts: await h.counts(), stripeRequests: h.stripeServer.requests().length };
      for (const { customerId } of [projected, asked]) {
        const answer = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode, currency: 'EUR' }, idempotencyKey: randomUUID() });
        expect([answer.status, answer.body.error?.code]).to.deep.equal([409, 'CUSTOMER_DEACTIVATED']);
      }
      expect({ counts: await h.counts(), stripeRequests: h.stripeServer.requests().length }).to.deep.equal(before);
    });
  });

  describe('REST', () => {
    it('serves /openapi.json (OpenAPI 3.1.0) built from the route schemas, a schema for every response', async () => {
      const document = await h.api('GET', '/openapi.json', { token: null });
      expect(document.status).to.equal(200);
      expect(document.body.openapi).to.equal('3.1.0');
      for (const [path, operations] of Object.entries(document.body.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>)) {
        for (const [method, operation] of Object.entries(operations)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).to.not.equal(undefined);
          }
        }
      }
      expect(document.body.paths['/v1/top-ups'].post.responses).to.have.property('201');
      expect(document.body.paths['/v1/top-up-packs'].post.responses).to.have.property('201');
      expect(Object.keys(document.body.paths)).to.include.members(['/v1/top-ups', '/v1/payments/{paymentId}', '/v1/payments', '/v1/webhooks/stripe']);
      expect(document.body.paths['/v1/top-ups'].post.requestBody.content['application/json'].schema.required).to.deep.equal(['customerId', 'packCode', 'currency']);
      expect(Object.keys(document.body.paths)).to.include.members(['/v1/top-up-packs', '/v1/top-up-packs/{code}', '/v1/top-up-packs/{code}/deactivate']);
      expect(document.body.paths['/v1/webhooks/stripe'].post.security).to.deep.equal([]);
      expect(document.body.paths['/v1/webhooks/stripe'].post.responses).to.include.keys('200', '400', '413', '415', '500', '503');
    });

    it('answers a token scoped to one customer 403 FORBIDDEN on another customer’s payments and top-ups, and lists only its own', async () => {
      const stripeCustomer = await h.stripe.customers.create({ email: `${h.scopedCustomerId}@example.com` });
      h.customerService.link(h.scopedCustomerId, stripeCustomer.id);
      const packCode = await h.pack(500, 1_000);
      const own = await h.api('POST', '/v1/top-ups', { body: { customerId: h.scopedCustomerId, packCode, currency: 'EUR' }, idempotencyKey: randomUUID(), token: h.scopedToken });
      expect(own.status, JSON.stringify(own.body)).to.equal(201);
      const other = await topUp();
      const before = await h.counts();

      const answers = [
        await h.api('GET', `/v1/payments/${other.paymentId}`, { token: h.scopedToken }),
        await h.api('GET', `/v1/payments?customerId=${other.customerId}`, { token: h.scopedToken }),
        await h.api('POST', '/v1/top-ups', { body: { customerId: other.customerId, packCode, currency: 'EUR' }, idempotencyKey: randomUUID(), token: h.scopedToken }),
      ];
      expect(answers.map((answer) => [answer.status, answer.body.error?.code])).to.deep.equal([
        [403, 'FORBIDDEN'],
        [403, 'FORBIDDEN'],
        [403, 'FORBIDDEN'],
      ]);
      expect(await h.counts()).to.deep.equal(before);
      expect((await h.api('GET', `/v1/payments/${own.body.paymentId}`, { token: h.scopedToken })).status).to.equal(200);
      const listed = await h.api('GET', '/v1/payments', { token: h.scopedToken });
      expect(listed.body.data.map((payment: { customerId: string }) => payment.customerId)).to.deep.equal([h.scopedCustomerId]);
    });

    it('pages payments and packs with limit and an opaque cursor ({ data, nextCursor }), and refuses a cursor it did not hand out', async () => {
      const { customerId } = await linkedCustomer();
      const packCode = await h.pack(500, 1_000);
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const bought = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode, currency: 'EUR' }, idempotencyKey: randomUUID() });
        ids.push(bought.body.paymentId);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: any } = await h.api('GET', `/v1/payments?customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status, JSON.stringify(page.body)).to.equal(200);
        expect(page.body.data.length).to.be.at.most(2);
        seen.push(...page.body.data.map((payment: { paymentId: string }) => payment.paymentId));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen).to.have.members(ids).and.to.have.length(3);

      await h.pack(501, 1_000);
      const packs = await h.api('GET', '/v1/top-up-packs?limit=1');
      expect(packs.body.data).to.have.length(1);
      const next = await h.api('GET', `/v1/top-up-packs?limit=1&cursor=${packs.body.nextCursor}`);
      expect(next.body.data[0].code > packs.body.data[0].code).to.equal(true);

      for (const path of ['/v1/payments?cursor=bm90LWEtY3Vyc29y', '/v1/top-up-packs?cursor=bm90LWEtY3Vyc29y']) {
        const refused = await h.api('GET', path);
        expect([refused.status, refused.body.error.code], path).to.deep.equal([400, 'INVALID_CURSOR']);
      }
    });

    it('answers a body sent as another content type 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const response = await fetch(`${h.service.httpUrl}/v1/top-up-packs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.token}`, 'content-type': 'text/plain', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ code: 'x', credits: 1, prices: [{ amount: 1, currency: 'EUR' }] }),
      });
      expect(response.status).to.equal(415);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    });

    it('requires a service token, an Idempotency-Key, and refuses a reused key with another body', async () => {
      const { customerId } = await linkedCustomer();
      const body = { customerId, packCode: await h.pack(100, 500, 'USD'), currency: 'USD' };
      expect((await h.api('POST', '/v1/top-ups', { body, idempotencyKey: 'k', token: null })).status).to.equal(401);
      expect((await h.api('POST', '/v1/top-ups', { body })).body.error.code).to.equal('IDEMPOTENCY_KEY_REQUIRED');
      expect((await h.api('POST', '/v1/top-ups', { body: { ...body, currency: 'usdollar' }, idempotencyKey: randomUUID() })).status).to.equal(400);

      const key = randomUUID();
      const first = await h.api('POST', '/v1/top-ups', { body, idempotencyKey: key });
      const replay = await h.api('POST', '/v1/top-ups', { body, idempotencyKey: key });
      const other = await h.api('POST', '/v1/top-ups', { body: { ...body, packCode: await h.pack(101, 500, 'USD') }, idempotencyKey: key });

      expect(first.status).to.equal(201);
      expect(replay).to.deep.equal(first);
      expect(other.status).to.equal(422);
      expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(h.stripeServer.paymentIntents().filter((intent) => intent.metadata.paymentId === first.body.paymentId)).to.have.length(1);
    });

    it('answers 503 while Stripe is down and opens exactly one intent when the same request is retried', async () => {
      const { customerId } = await linkedCustomer();
      const body = { customerId, packCode: await h.pack(100, 700), currency: 'EUR' };
      const key = randomUUID();
      await h.stripeServer.setDown(true, 'connection-refused');
      let down;
      try {
        down = await h.api('POST', '/v1/top-ups', { body, idempotencyKey: key });
      } finally {
        await h.stripeServer.setDown(false);
      }
      const retried = await h.api('POST', '/v1/top-ups', { body, idempotencyKey: key });

      expect(down.status).to.equal(503);
      expect(down.body.error.code).to.equal('PAYMENT_GATEWAY_UNAVAILABLE');
      expect(retried.status).to.equal(201);
      expect(h.stripeServer.paymentIntents().filter((intent) => intent.metadata.topUpId === retried.body.reference.topUpId)).to.have.length(1);
    });

    it('answers 404 for an unknown payment and 409 for a customer without a Stripe customer', async () => {
      expect((await h.api('GET', `/v1/payments/${randomUUID()}`)).body.error.code).to.equal('PAYMENT_NOT_FOUND');
      const unlinked = await h.api('POST', '/v1/top-ups', { body: { customerId: randomUUID(), packCode: await h.pack(1, 100), currency: 'EUR' }, idempotencyKey: randomUUID() });
      expect(unlinked.status).to.equal(409);
      expect(unlinked.body.error.code).to.equal('CUSTOMER_NOT_LINKED');
    });
  });
});

function subscriptionCreated(subscriptionId: string, customerId: string, amountDue: number) {
  return {
    subscriptionId,
    customerId,
    planId: 'plan-pro',
    planVersion: 1,
    status: amountDue === 0 ? 'trialing' : 'incomplete',
    periodIndex: 1,
    amountDue,
    currency: 'EUR',
    trialEndsAt: null,
    occurredAt: new Date().toISOString(),
  };
}

function renewalDue(subscriptionId: string, customerId: string, attempt: number) {
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
    attempt,
    occurredAt: new Date().toISOString(),
  };
}

function upgradeRequested(subscriptionId: string, customerId: string, changeId: string) {
  return {
    subscriptionId,
    customerId,
    changeId,
    fromPlanId: 'plan-pro',
    fromPlanVersion: 1,
    toPlanId: 'plan-max',
    toPlanVersion: 1,
    periodIndex: 3,
    periodStart: new Date().toISOString(),
    periodEnd: new Date(Date.now() + 28 * 86_400_000).toISOString(),
    amount: 1_750,
    currency: 'EUR',
    proratedCredits: 1_250,
    occurredAt: new Date().toISOString(),
  };
}

function gatewayLinked(customerId: string, gatewayCustomerId: string, gateway = 'stripe') {
  return { customerId, externalAccountId: `ext-${customerId}`, gateway, gatewayCustomerId, occurredAt: new Date().toISOString() };
}

/** Polls a GET /v1/payments?… until it lists a payment that satisfies `done` (consumers are asynchronous). */
async function eventuallyFound(read: () => Promise<{ status: number; body: any }>, done: (payment: any) => boolean) {
  const deadline = Date.now() + 20_000;
  let last = await read();
  while (!(last.body?.data?.length === 1 && done(last.body.data[0])) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  expect(last.status).to.equal(200);
  expect(last.body.data, 'the consumer opened a payment').to.have.length(1);
  return last;
}
