import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Stripe from 'stripe';
import { startStripeTestServer, type StripeTestServer } from './stripe-test-server';

const secret = 'whsec_checkout_page';

describe('Stripe test server: the hosted test-checkout page (/pay/<ref>)', () => {
  let server: StripeTestServer;
  let stripe: Stripe;
  let receiver: Server;
  let received: Stripe.Event[];

  beforeEach(async () => {
    server = await startStripeTestServer();
    stripe = new Stripe(server.apiKey, { ...server.clientOptions, maxNetworkRetries: 0 });
    received = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        // constructEvent throws on a bad signature: the delivery then shows status 500 and the test fails below.
        try {
          received.push(stripe.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'), String(request.headers['stripe-signature']), secret));
          response.writeHead(200).end();
        } catch {
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    server.addWebhookEndpoint(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`, secret);
  });
  afterEach(async () => {
    await server.close();
    receiver.close();
  });

  const topUpIntent = (paymentId: string, amount = 1_000) =>
    stripe.paymentIntents.create({
      amount,
      currency: 'eur',
      metadata: { paymentId, purpose: 'CREDIT_TOP_UP', customerId: 'cust-1', credits: '500' },
    });

  /** POSTs a button of the page; answers the status and where it redirects. */
  async function press(ref: string, action: string): Promise<{ status: number; location: string | null; text: string }> {
    const response = await fetch(server.checkoutUrl(ref), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action }).toString(),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  }

  const page = async (ref: string) => {
    const response = await fetch(server.checkoutUrl(ref));
    return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
  };

  describe('when the payment waits for a payment method', () => {
    it('shows the amount, purpose, status and the test cards for the intent id, its client secret and the payment id (newest intent)', async () => {
      await topUpIntent('pay-1', 500); // an earlier attempt of the same payment
      const intent = await topUpIntent('pay-1', 1_000);
      for (const ref of [intent.id, intent.client_secret!, 'pay-1']) {
        const { status, text, type } = await page(ref);
        expect(status, ref).to.equal(200);
        expect(type).to.match(/^text\/html/);
        expect(text, ref).to.include('€10.00').and.include('<h1>Credit top up</h1>').and.include('requires_payment_method').and.include(intent.id);
        expect(text).to.include('<dt>credits</dt><dd>500</dd>').and.include('<dt>paymentId</dt><dd>pay-1</dd>');
        for (const action of ['pay:visa', 'pay:declined', 'pay:insufficient_funds', 'pay:authentication_required']) {
          expect(text).to.include(`value="${action}"`);
        }
      }
      expect(server.checkoutUrl('a b')).to.equal(`${server.url}/pay/a%20b`);
    });

    it('formats the amount in the currency’s minor units, and escapes what it shows', async () => {
      const yen = await stripe.paymentIntents.create({ amount: 500, currency: 'jpy', metadata: { note: '<script>x</script>' } });
      const { text } = await page(yen.id);
      expect(text).to.include('¥500').and.include('&lt;script&gt;x&lt;/script&gt;').and.not.include('<script>');
    });

    it('answers 404 for an unknown ref, a wrong client secret, and a payment id no intent carries', async () => {
      const intent = await topUpIntent('pay-2');
      for (const ref of ['pi_unknown', `${intent.id}_secret_wrong`, 'no-such-payment']) {
        const { status, text } = await page(ref);
        expect(status, ref).to.equal(404);
        expect(text).to.include('No such payment');
      }
    });
  });

  describe('when the customer pays with a card that succeeds', () => {
    it('confirms through the API (a recorded confirm request), redirects back, and delivers a signed payment_intent.succeeded', async () => {
      const intent = await topUpIntent('pay-3');
      const pressed = await press('pay-3', 'pay:visa');
      expect(pressed.status).to.equal(303);
      expect(pressed.location).to.equal('/pay/pay-3');
      expect((await stripe.paymentIntents.retrieve(intent.id)).status).to.equal('succeeded');
      expect(server.requests().filter((r) => r.path === `/v1/payment_intents/${intent.id}/confirm`)).to.have.length(1);
      await server.flushWebhooks();
      const succeeded = received.filter((event) => event.type === 'payment_intent.succeeded');
      expect(succeeded).to.have.length(1);
      expect((succeeded[0]!.data.object as Stripe.PaymentIntent).id).to.equal(intent.id);

      const after = await page('pay-3');
      expect(after.text).to.include('Payment succeeded').and.not.include('<button');
    });
  });

  describe('when the card is declined', () => {
    it('leaves the intent requires_payment_method with last_payment_error, delivers payment_failed, and offers the cards again', async () => {
      const intent = await topUpIntent('pay-4');
      expect((await press(intent.id, 'pay:declined')).status).to.equal(303);
      const declined = await stripe.paymentIntents.retrieve(intent.id);
      expect(declined.status).to.equal('requires_payment_method');
      expect(declined.last_payment_error).to.include({ code: 'card_declined', decline_code: 'generic_decline' });
      await server.flushWebhooks();
      expect(received.map((event) => event.type)).to.include('payment_intent.payment_failed');
      const shown = await page(intent.id);
      expect(shown.text).to.include('Payment failed').and.include('value="pay:visa"');

      await press(intent.id, 'pay:insufficient_funds');
      expect((await stripe.paymentIntents.retrieve(intent.id)).last_payment_error).to.include({ decline_code: 'insufficient_funds' });
    });
  });

  describe('when the card requires authentication', () => {
    it('goes requires_action with the authentication buttons, and Complete succeeds it', async () => {
      const intent = await topUpIntent('pay-5');
      await press('pay-5', 'pay:authentication_required');
      expect((await stripe.paymentIntents.retrieve(intent.id)).status).to.equal('requires_action');
      const shown = await page('pay-5');
      expect(shown.text).to.include('Complete authentication').and.include('Fail authentication').and.not.include('value="pay:visa"');

      expect((await press('pay-5', 'authenticate:complete')).status).to.equal(303);
      expect((await stripe.paymentIntents.retrieve(intent.id)).status).to.equal('succeeded');
      await server.flushWebhooks();
      expect(received.map((event) => event.type)).to.include.members(['payment_intent.requires_action', 'payment_intent.succeeded']);
    });

    it('fails the payment when authentication fails', async () => {
      const intent = await topUpIntent('pay-6');
      await press(intent.client_secret!, 'pay:authentication_required');
      await press(intent.client_secret!, 'authenticate:fail');
      const failed = await stripe.paymentIntents.retrieve(intent.id);
      expect(failed.status).to.equal('requires_payment_method');
      expect(failed.last_payment_error?.code).to.equal('payment_intent_authentication_failure');
      await server.flushWebhooks();
      expect(received.map((event) => event.type)).to.include('payment_intent.payment_failed');
    });
  });

  describe('when the intent is already final', () => {
    it('shows its state without buttons, and refuses a stale button with the reason', async () => {
      const intent = await topUpIntent('pay-7');
      await stripe.paymentIntents.cancel(intent.id);
      const shown = await page('pay-7');
      expect(shown.text).to.include('canceled').and.not.include('<button');
      const stale = await press('pay-7', 'pay:visa');
      expect(stale.status).to.equal(400);
      expect(stale.text).to.include('status is canceled');
      expect((await press('pay-7', 'pay:nonsense')).status).to.equal(400);
    });
  });
});
