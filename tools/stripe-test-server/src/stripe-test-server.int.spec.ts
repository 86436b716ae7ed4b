import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Stripe from 'stripe';
import { startStripeTestServer, type StripeTestServer } from './stripe-test-server';

describe('Stripe test server, driven through the real stripe SDK', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => {
    server = await startStripeTestServer();
    stripe = new Stripe(server.apiKey, { ...server.clientOptions, maxNetworkRetries: 0 });
  });
  afterEach(() => server.close());

  describe('customers', () => {
    it('replays a create under the same idempotency key and refuses other parameters', async () => {
      const first = await stripe.customers.create({ email: 'ada@example.com', metadata: { customerId: 'c1' } }, { idempotencyKey: 'c1' });
      const again = await stripe.customers.create({ email: 'ada@example.com', metadata: { customerId: 'c1' } }, { idempotencyKey: 'c1' });
      expect(again.id).to.equal(first.id);
      expect(again.lastResponse.headers['idempotent-replayed']).to.equal('true');
      const other = await stripe.customers
        .create({ email: 'bob@example.com', metadata: { customerId: 'c1' } }, { idempotencyKey: 'c1' })
        .catch((error: unknown) => error);
      expect(other).to.be.instanceOf(Stripe.errors.StripeIdempotencyError);
      expect(server.customers()).to.have.length(1);
      expect(server.requests().filter((r) => r.method === 'POST' && r.path === '/v1/customers')).to.have.length(3);
    });

    it('creates a second customer once idempotency keys expired (what the search-first adapter prevents)', async () => {
      await stripe.customers.create({ metadata: { customerId: 'c1' } }, { idempotencyKey: 'c1' });
      server.expireIdempotencyKeys();
      await stripe.customers.create({ metadata: { customerId: 'c1' } }, { idempotencyKey: 'c1' });
      expect(server.customers()).to.have.length(2);
    });

    it('finds customers by metadata through search, lists with pagination, retrieves, updates and deletes', async () => {
      const ada = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada', metadata: { customerId: 'c1' } });
      await stripe.customers.create({ email: 'bob@example.com', metadata: { customerId: 'c2' } });
      const found = await stripe.customers.search({ query: "metadata['customerId']:'c1'" });
      expect(found.data.map((c) => c.id)).to.deep.equal([ada.id]);
      const both = await stripe.customers.search({ query: "metadata['customerId']:'c1' OR email:'bob@example.com'" });
      expect(both.data).to.have.length(2);
      const bad = await stripe.customers.search({ query: 'nonsense' }).catch((error: unknown) => error);
      expect(bad).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);

      const page1 = await stripe.customers.list({ limit: 1 });
      expect(page1.has_more).to.equal(true);
      const page2 = await stripe.customers.list({ limit: 1, starting_after: page1.data[0]!.id });
      expect(page2.data[0]!.id).to.equal(ada.id);
      expect((await stripe.customers.list({ email: 'ada@example.com' })).data).to.have.length(1);

      const updated = await stripe.customers.update(ada.id, { name: 'Ada L.', metadata: { customerId: '' , tier: 'gold' }, invoice_settings: { default_payment_method: 'pm_card_visa' } });
      expect(updated.name).to.equal('Ada L.');
      expect(updated.metadata).to.deep.equal({ tier: 'gold' });
      expect(updated.invoice_settings.default_payment_method).to.equal('pm_card_visa');
      expect((await stripe.customers.retrieve(ada.id)).id).to.equal(ada.id);
      await stripe.customers.del(ada.id);
      expect(((await stripe.customers.retrieve(ada.id)) as Stripe.DeletedCustomer).deleted).to.equal(true);
      const missing = await stripe.customers.retrieve('cus_nope').catch((error: unknown) => error);
      expect(missing).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((missing as Stripe.errors.StripeError).statusCode).to.equal(404);
    });

    it('refuses a wrong API key and unknown parameters', async () => {
      const wrong = new Stripe('sk_test_wrong', { ...server.clientOptions, maxNetworkRetries: 0 });
      expect(await wrong.customers.list().catch((error: unknown) => error)).to.be.instanceOf(Stripe.errors.StripeAuthenticationError);
      const unknown = await stripe.customers.create({ colour: 'red' } as Stripe.CustomerCreateParams).catch((error: unknown) => error);
      expect((unknown as Stripe.errors.StripeError).message).to.match(/unknown parameter: colour/);
    });
  });

  describe('outages', () => {
    it('answers 500 while down in http-500 mode, and works again afterwards', async () => {
      await server.setDown(true);
      const error = await stripe.customers.create({ email: 'a@example.com' }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Stripe.errors.StripeAPIError);
      expect((error as Stripe.errors.StripeError).statusCode).to.equal(500);
      expect(server.customers()).to.have.length(0);
      await server.setDown(false);
      await stripe.customers.create({ email: 'a@example.com' });
      expect(server.customers()).to.have.length(1);
    });

    it('refuses connections in connection-refused mode (keep-alive sockets too) and listens again on the same port', async () => {
      await stripe.customers.list();
      await server.setDown(true, 'connection-refused');
      const error = await stripe.customers.list().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Stripe.errors.StripeConnectionError);
      await server.setDown(false);
      expect((await stripe.customers.list()).object).to.equal('list');
    });
  });

  describe('lost answers, slow answers and a lagging search index', () => {
    it('carries out a dropped request but never answers it; the idempotent retry gets the same object', async () => {
      // Two: stripe-node retries a closed connection once by itself (a replay, dropped too).
      server.dropResponses(2, { method: 'POST', path: '/v1/customers' });
      const lost = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-lost' }).catch((e: unknown) => e);
      expect(lost).to.be.instanceOf(Stripe.errors.StripeConnectionError);
      expect(server.customers()).to.have.length(1);
      const retried = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-lost' });
      expect(retried.id).to.equal(server.customers()[0]!.id);
      expect(server.customers()).to.have.length(1);
    });

    it('delays only the matching requests, and still carries them out when the client gave up', async () => {
      server.setLatency(400, { method: 'POST', path: '/v1/customers' });
      const impatient = new Stripe(server.apiKey, { ...server.clientOptions, maxNetworkRetries: 0, timeout: 100 });
      const started = Date.now();
      await impatient.customers.list();
      expect(Date.now() - started).to.be.below(300);
      expect(await impatient.customers.create({ email: 'slow@example.com' }).catch((e: unknown) => e)).to.be.instanceOf(Stripe.errors.StripeConnectionError);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(server.customers().map((c) => c.email)).to.deep.equal(['slow@example.com']);
    });

    it('hides objects younger than the search lag from search only', async () => {
      server.setSearchLag(60_000);
      const created = await stripe.customers.create({ metadata: { customerId: 'lagging' } });
      expect((await stripe.customers.search({ query: "metadata['customerId']:'lagging'" })).data).to.have.length(0);
      expect((await stripe.customers.retrieve(created.id)).id).to.equal(created.id);
      server.setSearchLag(0);
      expect((await stripe.customers.search({ query: "metadata['customerId']:'lagging'" })).data).to.have.length(1);
    });
  });

  describe('payment intents', () => {
    let customer: Stripe.Customer;
    beforeEach(async () => {
      customer = await stripe.customers.create({ email: 'pay@example.com' });
    });

    it('creates and confirms off-session with an idempotency key: succeeded, one intent, one charge, events', async () => {
      const params: Stripe.PaymentIntentCreateParams = {
        amount: 1500,
        currency: 'usd',
        customer: customer.id,
        payment_method: 'pm_card_visa',
        off_session: true,
        confirm: true,
        metadata: { paymentId: 'p1', purpose: 'top_up' },
      };
      const intent = await stripe.paymentIntents.create(params, { idempotencyKey: 'p1' });
      const replay = await stripe.paymentIntents.create(params, { idempotencyKey: 'p1' });
      expect(intent.status).to.equal('succeeded');
      expect(replay.id).to.equal(intent.id);
      expect(intent.metadata).to.deep.equal({ paymentId: 'p1', purpose: 'top_up' });
      expect(server.paymentIntents()).to.have.length(1);
      const retrieved = await stripe.paymentIntents.retrieve(intent.id, { expand: ['latest_charge'] });
      expect((retrieved.latest_charge as Stripe.Charge).amount_captured).to.equal(1500);
      expect(server.events().map((e) => e.type)).to.include.members(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
      const found = await stripe.paymentIntents.search({ query: "metadata['paymentId']:'p1'" });
      expect(found.data.map((i) => i.id)).to.deep.equal([intent.id]);
    });

    it('answers a decline with 402 carrying the intent, stored under the idempotency key', async () => {
      const params: Stripe.PaymentIntentCreateParams = {
        amount: 900, currency: 'eur', customer: customer.id, payment_method: 'pm_card_chargeDeclinedInsufficientFunds', off_session: true, confirm: true,
      };
      const error = (await stripe.paymentIntents.create(params, { idempotencyKey: 'p2' }).catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
      expect(error).to.be.instanceOf(Stripe.errors.StripeCardError);
      expect(error.decline_code).to.equal('insufficient_funds');
      expect(error.payment_intent?.status).to.equal('requires_payment_method');
      expect(error.payment_intent?.last_payment_error?.decline_code).to.equal('insufficient_funds');
      const replay = (await stripe.paymentIntents.create(params, { idempotencyKey: 'p2' }).catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
      expect(replay.payment_intent?.id).to.equal(error.payment_intent?.id);
      expect(server.paymentIntents()).to.have.length(1);
    });

    it('goes processing, then succeeds or fails when the test says so; confirm and cancel through the API', async () => {
      server.queueConfirmOutcomes({ status: 'processing' }, { status: 'processing' });
      const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
      const b = await stripe.paymentIntents.create({ amount: 200, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
      expect([a.status, b.status]).to.deep.equal(['processing', 'processing']);
      expect(server.succeedPaymentIntent(a.id).status).to.equal('succeeded');
      expect(server.failPaymentIntent(b.id, { declineCode: 'insufficient_funds' }).status).to.equal('requires_payment_method');
      expect((await stripe.paymentIntents.retrieve(a.id)).status).to.equal('succeeded');

      const c = await stripe.paymentIntents.create({ amount: 300, currency: 'usd', customer: customer.id });
      expect(c.status).to.equal('requires_payment_method');
      const action = await stripe.paymentIntents.confirm(c.id, { payment_method: 'pm_card_authenticationRequired' });
      expect(action.status).to.equal('requires_action');
      expect((await stripe.paymentIntents.cancel(c.id)).status).to.equal('canceled');
      const noMethod = await stripe.paymentIntents
        .create({ amount: 300, currency: 'usd', customer: customer.id, confirm: true, off_session: true })
        .catch((e: unknown) => e);
      expect(noMethod).to.be.instanceOf(Stripe.errors.StripeInvalidRequestError);
    });

    it('refunds partially then fully, and refuses more than was charged', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
      const first = await stripe.refunds.create({ payment_intent: intent.id, amount: 400 }, { idempotencyKey: 'r1' });
      expect(first.status).to.equal('succeeded');
      const tooMuch = await stripe.refunds.create({ payment_intent: intent.id, amount: 700 }).catch((e: unknown) => e);
      expect((tooMuch as Stripe.errors.StripeError).code).to.equal('amount_too_large');
      await stripe.refunds.create({ payment_intent: intent.id });
      const charge = await stripe.charges.retrieve(intent.latest_charge as string, { expand: ['refunds'] });
      expect(charge.amount_refunded).to.equal(1000);
      expect(charge.refunded).to.equal(true);
      expect(charge.refunds?.data.map((r) => r.amount)).to.have.members([400, 600]);
      server.setRefundStatus('pending');
      const other = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id, payment_method: 'pm_card_visa', confirm: true });
      const pending = await stripe.refunds.create({ payment_intent: other.id });
      expect(pending.status).to.equal('pending');
      expect(server.settleRefund(pending.id, 'failed').status).to.equal('failed');
      expect(server.events().filter((e) => e.type === 'charge.refunded')).to.have.length(3);
      const dispute = server.createDispute(other.id);
      server.updateDispute(dispute.id, 'lost');
      expect(server.events().map((e) => e.type)).to.include.members(['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']);
    });
  });

  describe('test helpers over HTTP (what createDispute / updateDispute do in-process)', () => {
    it('opens a dispute on a payment intent, lists it, closes it won, and refuses to close it again', async () => {
      const intent = await stripe.paymentIntents.create({ amount: 1_000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true });
      const dispute = (await stripe.rawRequest('POST', '/v1/test_helpers/disputes', { payment_intent: intent.id, amount: 600, reason: 'product_not_received' })) as Stripe.Dispute;
      expect(dispute).to.include({ object: 'dispute', amount: 600, reason: 'product_not_received', status: 'needs_response', payment_intent: intent.id });
      expect((await stripe.disputes.list({ payment_intent: intent.id })).data.map((d) => d.id)).to.deep.equal([dispute.id]);
      const closed = (await stripe.rawRequest('POST', `/v1/test_helpers/disputes/${dispute.id}/close`, { status: 'won' })) as Stripe.Dispute;
      expect(closed.status).to.equal('won');
      expect(server.events().map((e) => e.type)).to.include.members(['charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']);
      const again = await stripe.rawRequest('POST', `/v1/test_helpers/disputes/${dispute.id}/close`, { status: 'lost' }).catch((e: unknown) => e);
      expect((again as Stripe.errors.StripeError).code).to.equal('dispute_already_closed');
    });

    it('refuses a dispute on an intent without a succeeded charge, and more than was charged', async () => {
      const open = await stripe.paymentIntents.create({ amount: 1_000, currency: 'eur' });
      const none = await stripe.rawRequest('POST', '/v1/test_helpers/disputes', { payment_intent: open.id }).catch((e: unknown) => e);
      expect((none as Stripe.errors.StripeError).code).to.equal('charge_not_disputable');
      const paid = await stripe.paymentIntents.confirm(open.id, { payment_method: 'pm_card_visa' });
      const tooMuch = await stripe.rawRequest('POST', '/v1/test_helpers/disputes', { payment_intent: paid.id, amount: 1_001 }).catch((e: unknown) => e);
      expect((tooMuch as Stripe.errors.StripeError).code).to.equal('amount_too_large');
      expect(server.disputes()).to.have.length(0);
    });

    it('needs the API key, like the rest of /v1', async () => {
      const response = await fetch(`${server.url}/v1/test_helpers/disputes`, { method: 'POST' });
      expect(response.status).to.equal(401);
    });
  });

  describe('webhooks', () => {
    it('delivers signed events that stripe.webhooks.constructEvent accepts, and redelivers on request', async () => {
      const received: Stripe.Event[] = [];
      const secret = 'whsec_test_secret';
      const receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(request.headers['stripe-signature']), secret));
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        server.addWebhookEndpoint(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`, secret, ['payment_intent.succeeded']);
        const intent = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
        await server.flushWebhooks();
        expect(received.map((e) => e.type)).to.deep.equal(['payment_intent.succeeded']);
        expect((received[0]!.data.object as Stripe.PaymentIntent).id).to.equal(intent.id);
        await server.redeliverEvent(received[0]!.id);
        expect(received.map((e) => e.id)).to.deep.equal([received[0]!.id, received[0]!.id]);
        expect(server.deliveries().every((d) => d.status === 200)).to.equal(true);
      } finally {
        receiver.close();
      }
    });

    it('delivers refund.created and charge.refunded for a refund created through the API, once per idempotency key', async () => {
      const received: Stripe.Event[] = [];
      const secret = 'whsec_refunds';
      const receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(request.headers['stripe-signature']), secret));
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        server.addWebhookEndpoint(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`, secret, ['refund.created', 'charge.refunded']);
        const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true });
        const params = { payment_intent: intent.id, amount: 300, metadata: { actor: 'console:alice' } };
        const refund = await stripe.refunds.create(params, { idempotencyKey: 'refund-1' });
        const replay = await stripe.refunds.create(params, { idempotencyKey: 'refund-1' });
        await server.flushWebhooks();

        expect(replay.id).to.equal(refund.id);
        expect(server.refunds()).to.have.length(1);
        expect(received.map((e) => e.type)).to.deep.equal(['refund.created', 'charge.refunded']);
        expect(received[0]!.data.object).to.deep.include({ id: refund.id, payment_intent: intent.id, metadata: { actor: 'console:alice' } });
        expect(received[1]!.data.object).to.deep.include({ id: intent.latest_charge, amount_refunded: 300, refunded: false });
      } finally {
        receiver.close();
      }
    });

    describe('when the endpoint fails (5xx, not listening)', () => {
      /** A receiver that answers `statuses` in turn (then 200) and keeps the events it verified. */
      async function flakyReceiver(statuses: number[]) {
        const secret = 'whsec_retry';
        const verified: Stripe.Event[] = [];
        const receiver = createServer((request, response) => {
          const chunks: Buffer[] = [];
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => {
            const status = statuses.shift() ?? 200;
            if (status === 200) {
              verified.push(stripe.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(request.headers['stripe-signature']), secret));
            }
            response.writeHead(status).end();
          });
        });
        await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
        return { secret, verified, receiver, url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks` };
      }

      it('delivers the event on the third try with webhookRetries (opt-in), logging each try', async () => {
        const retrying = await startStripeTestServer({ webhookRetries: { delaysMs: [20, 40, 80] } });
        const endpoint = await flakyReceiver([500, 500]);
        try {
          retrying.addWebhookEndpoint(endpoint.url, endpoint.secret, ['payment_intent.succeeded']);
          const client = new Stripe(retrying.apiKey, { ...retrying.clientOptions, maxNetworkRetries: 0 });
          const intent = await client.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
          await retrying.flushWebhooks();
          expect(retrying.deliveries().map((d) => [d.status, d.attempt])).to.deep.equal([[500, 1], [500, 2], [200, 3]]);
          expect(endpoint.verified.map((event) => (event.data.object as Stripe.PaymentIntent).id)).to.deep.equal([intent.id]);
        } finally {
          await retrying.close();
          endpoint.receiver.close();
        }
      });

      it('retries an endpoint that is not listening yet (a restarting service) until it is', async () => {
        const retrying = await startStripeTestServer({ webhookRetries: { delaysMs: [50, 200, 400, 800] } });
        const endpoint = await flakyReceiver([]);
        const port = (endpoint.receiver.address() as AddressInfo).port;
        await new Promise<void>((resolve) => endpoint.receiver.close(() => resolve()));
        try {
          retrying.addWebhookEndpoint(endpoint.url, endpoint.secret, ['payment_intent.succeeded']);
          const client = new Stripe(retrying.apiKey, { ...retrying.clientOptions, maxNetworkRetries: 0 });
          await client.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
          while (retrying.deliveries().length < 2) await new Promise((resolve) => setTimeout(resolve, 5)); // two tries refused
          await new Promise<void>((resolve) => endpoint.receiver.listen(port, '127.0.0.1', resolve));
          await retrying.flushWebhooks();
          const tries = retrying.deliveries();
          expect(tries.length).to.be.within(3, 5);
          expect(tries.slice(0, -1).every((d) => d.status === null && d.error !== null)).to.equal(true);
          expect(tries.at(-1)!.status).to.equal(200);
          expect(endpoint.verified).to.have.length(1);
        } finally {
          await retrying.close();
          endpoint.receiver.close();
        }
      });

      it('tries once by default, so tests see exactly one delivery', async () => {
        const endpoint = await flakyReceiver([500, 500]);
        try {
          server.addWebhookEndpoint(endpoint.url, endpoint.secret, ['payment_intent.succeeded']);
          await stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
          await server.flushWebhooks();
          expect(server.deliveries().map((d) => [d.status, d.attempt])).to.deep.equal([[500, 1]]);
          expect(endpoint.verified).to.have.length(0);
        } finally {
          endpoint.receiver.close();
        }
      });

      it('stops waiting to retry when the server closes (one last try, no minute-long close)', async () => {
        const retrying = await startStripeTestServer({ webhookRetries: true });
        const endpoint = await flakyReceiver([500, 500, 500]);
        try {
          retrying.addWebhookEndpoint(endpoint.url, endpoint.secret, ['payment_intent.succeeded']);
          const client = new Stripe(retrying.apiKey, { ...retrying.clientOptions, maxNetworkRetries: 0 });
          await client.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
          // The first try answered 500; the next one waits 1 s.
          while (retrying.deliveries().length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
          const closing = Date.now();
          await retrying.close();
          expect(Date.now() - closing).to.be.below(900);
          expect(retrying.deliveries().map((d) => d.attempt)).to.deep.equal([1, 2]);
        } finally {
          endpoint.receiver.close();
        }
      });
    });

    it('signs a payload so constructEvent accepts it and rejects a tampered one', () => {
      const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } });
      const header = server.signWebhook(payload, 'whsec_x');
      expect(stripe.webhooks.constructEvent(payload, header, 'whsec_x').id).to.equal('evt_1');
      expect(() => stripe.webhooks.constructEvent(payload.replace('evt_1', 'evt_2'), header, 'whsec_x')).to.throw();
    });
  });
});
