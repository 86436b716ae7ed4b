import { randomBytes, randomUUID } from 'node:crypto';
import {
  conformsTo,
  describeHttpCase,
  endpointName,
  fuzzEndpoint,
  hasBrokenText,
  httpFuzzSender,
  type HttpFuzzRequest,
  httpVerdict,
  invalidHttpRequests,
  invalidJsonTexts,
  registeredWriteRoutes,
  signWebhook,
  tableRowCounts,
  type FuzzVerdict,
  type WriteEndpoint,
} from '@billing/testkit';
import { expect } from 'chai';
import fc from 'fast-check';
import { gatewayEventKindOf } from '../application/ports/gateway-event';
import { WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS } from '../application/ports/gateway-webhooks.port';
import { type PaymentHarness, startPaymentHarness } from '../testing/payment-service.test-harness';
import { changeTopUpPackBody, createTopUpPackBody, refundBody, topUpBody } from './http/payment-schemas';
import { STRIPE_WEBHOOK_PATH } from './webhooks/stripe-webhook.route';

// 1,000 invalid requests to each write route (top-ups and the top-up catalogue), 1,000 webhook deliveries without a valid signature and 1,000 validly signed bodies that
// are not Stripe events we can read: every answer must be a coded 4xx, and no table may change.

type Schema = Record<string, unknown>;

const text: Schema = { type: 'string', minLength: 1 };
const number: Schema = { type: 'number' };
// A refund whose status is neither succeeded nor pending is ignored by design, whatever that status is.
const refund: Schema = { type: 'object', required: ['id', 'amount'], properties: { id: text, amount: number } };
/** What a readable Stripe event of each kind carries in data.object (an unhandled type may carry anything). */
const objectContract: Record<string, Schema> = {
  payment_intent: { type: 'object', required: ['id', 'amount', 'currency'], properties: { id: text, amount: number, currency: text } },
  charge_refunded: {
    type: 'object',
    required: ['id', 'amount', 'amount_refunded', 'currency'],
    properties: { id: text, amount: number, amount_refunded: number, currency: text, refunds: { type: ['object', 'null'], properties: { data: { type: 'array', items: refund }, has_more: { type: 'boolean' } } } },
  },
  dispute: {
    type: 'object',
    required: ['id', 'charge', 'status', 'amount', 'currency'],
    properties: { id: text, charge: { anyOf: [text, { type: 'object', required: ['id'], properties: { id: text } }] }, status: text, amount: number, currency: text },
  },
};
const eventSchema = (object: Schema): Schema => ({ type: 'object', required: ['id', 'type', 'created', 'data'], properties: { id: text, type: text, created: number, data: { type: 'object', required: ['object'], properties: { object } } } });

/**
 * Whether the endpoint must acknowledge this signed body: a Stripe event we can read, in storable text. A charge's
 * refunds are read from the payload only when it embeds the complete list (then each must be a refund), else from
 * Stripe: so anything else there is acceptable.
 */
function acceptedEvent(value: unknown): boolean {
  if (hasBrokenText(value) || !conformsTo(eventSchema({ type: ['object', 'array'] }), value)) return false;
  const event = value as { type: string; data: { object: Record<string, unknown> } };
  const kind = gatewayEventKindOf(event.type);
  if (kind === 'unhandled') return true;
  if (kind !== 'charge_refunded') return conformsTo(objectContract[kind]!, event.data.object);
  const { refunds, ...charge } = event.data.object as { refunds?: { data?: unknown; has_more?: unknown } };
  const complete = typeof refunds === 'object' && refunds !== null && Array.isArray(refunds.data) && refunds.has_more === false;
  return conformsTo(objectContract.charge_refunded!, charge) && (!complete || (refunds.data as unknown[]).every((item) => conformsTo(refund, item)));
}

describe('Payment service interface (PostgreSQL, Kafka, Stripe test server)', function () {
  this.timeout(120_000);
  let h: PaymentHarness;
  let token: string;
  let customerId: string;
  let payment: { paymentId: string; gatewayPaymentIntentId: string };
  const rowCounts = () => tableRowCounts(h.pool);

  before(async () => {
    h = await startPaymentHarness();
    token = h.token;
    customerId = randomUUID();
    h.customerService.link(customerId, (await h.stripe.customers.create({ email: `${customerId}@example.com` })).id);
    await h.pack(500, 1_000);
    const created = await h.api('POST', '/v1/top-ups', { body: { customerId, packCode: 'p-500-1000-eur', currency: 'EUR' }, idempotencyKey: randomUUID() });
    if (created.status !== 201) throw new Error(`top-up not created: ${JSON.stringify(created.body)}`);
    payment = created.body;
    // Other runs publish on the shared topics: from here on only the fuzzed requests could write.
    await h.service.runtime.stopConsumers();
  });

  after(async () => {
    await h?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  /** One readable event of each handled kind, about the real payment. */
  const events = () => {
    const intent = { id: payment.gatewayPaymentIntentId, object: 'payment_intent', amount: 1_000, currency: 'eur', status: 'succeeded', metadata: { paymentId: payment.paymentId } };
    const charge = { id: 'ch_fuzz', object: 'charge', amount: 1_000, amount_refunded: 1_000, currency: 'eur', payment_intent: intent.id, refunds: { object: 'list', data: [{ id: 're_fuzz', amount: 1_000, status: 'succeeded', created: now() }], has_more: false } };
    const dispute = { id: 'dp_fuzz', object: 'dispute', charge: 'ch_fuzz', payment_intent: intent.id, status: 'needs_response', amount: 1_000, currency: 'eur' };
    const event = (type: string, object: Record<string, unknown>) => ({ id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type, created: now(), data: { object } });
    return [
      { event: event('payment_intent.succeeded', intent), schema: eventSchema(objectContract.payment_intent!) },
      { event: event('charge.refunded', charge), schema: eventSchema(objectContract.charge_refunded!) },
      { event: event('charge.dispute.created', dispute), schema: eventSchema(objectContract.dispute!) },
    ];
  };

  type WebhookCase = HttpFuzzRequest & { signature?: string };
  const webhook = (body: string, signature?: string): WebhookCase => ({
    method: 'POST',
    path: STRIPE_WEBHOOK_PATH,
    body,
    contentType: 'application/json',
    ...(signature === undefined ? {} : { signature }),
  });
  /** Webhooks carry no token: the signature header is the credential. */
  const sendWebhook = async (request: WebhookCase): Promise<FuzzVerdict> => {
    const response = await fetch(`${h.service.httpUrl}${request.path}`, {
      method: 'POST',
      headers: { 'content-type': request.contentType, ...(request.signature === undefined ? {} : { 'stripe-signature': request.signature }) },
      body: request.body,
    });
    return httpVerdict(response.status, await response.text());
  };
  const describeWebhook = (request: WebhookCase) => `signature ${JSON.stringify(request.signature?.slice(0, 160))} ${describeHttpCase(request)}`;

  describe('when every write route gets 1,000 invalid requests', () => {
    const pack = { code: 'p-500-1000-eur', credits: 500, prices: [{ amount: 1_000, currency: 'EUR' }] };
    const endpoints = (): WriteEndpoint[] => [
      { method: 'POST', url: '/v1/top-ups', body: { schema: topUpBody, valid: { customerId, packCode: pack.code, currency: 'EUR' } } },
      { method: 'POST', url: '/v1/top-up-packs', body: { schema: createTopUpPackBody, valid: pack } },
      { method: 'PATCH', url: '/v1/top-up-packs/:code', params: { code: pack.code }, body: { schema: changeTopUpPackBody, valid: { credits: 500 } } },
      { method: 'POST', url: '/v1/top-up-packs/:code/deactivate', params: { code: pack.code } },
      { method: 'POST', url: '/v1/payments/:paymentId/refunds', params: { paymentId: payment.paymentId }, body: { schema: refundBody, valid: { amount: 100 } } },
    ];

    it('fuzzes exactly the write routes the server registers', () => {
      expect([...endpoints().map(endpointName), `POST ${STRIPE_WEBHOOK_PATH}`]).to.have.members(registeredWriteRoutes(h.service.runtime.http).map(endpointName));
    });

    // Named up front, built inside each test: the valid bodies need the customer the before hook links.
    for (const [index, name] of [
      'POST /v1/top-ups',
      'POST /v1/top-up-packs',
      'PATCH /v1/top-up-packs/:code',
      'POST /v1/top-up-packs/:code/deactivate',
      'POST /v1/payments/:paymentId/refunds',
    ].entries()) {
      it(`answers ${name} with a coded 4xx and writes nothing`, async () => {
        const endpoint = endpoints()[index]!;
        expect(endpointName(endpoint)).to.equal(name);
        const report = await fuzzEndpoint({ name: endpointName(endpoint), cases: invalidHttpRequests(endpoint), send: httpFuzzSender(h.service.httpUrl, token), describe: describeHttpCase, rowCounts });
        expect(report.serverErrors).to.equal(0);
      });
    }

    it('answers a webhook without a valid signature with a coded 400 and writes nothing', async () => {
      const wrongSignature = (body: string) =>
        fc.oneof(
          fc.constant(undefined),
          fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
          fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 40 }).map((secret) => signWebhook(body, `whsec_${secret}`)),
          fc.integer({ min: WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS + 1, max: 10 * 365 * 86_400 }).map((age) => signWebhook(body, h.webhookSecret, now() - age)),
          // Signed "in the future": a clock that is wrong, or a delivery prepared to be replayed later.
          fc.integer({ min: WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS + 1, max: 10 * 365 * 86_400 }).map((ahead) => signWebhook(body, h.webhookSecret, now() + ahead)),
          fc.string({ minLength: 1, maxLength: 20 }).map((other) => signWebhook(`${body}${other}`, h.webhookSecret)),
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map((mac) => `t=${now()},v1=${Buffer.from(mac).toString('hex')}`),
          fc.constant(signWebhook(body, h.webhookSecret).replace('v1=', 'v0=')),
        );
      // Readable events (each would be applied if signed) and garbage alike.
      const bodies = fc.oneof(fc.constantFrom(...events().map(({ event }) => JSON.stringify(event))), fc.string({ maxLength: 100 }));
      const report = await fuzzEndpoint({
        name: `POST ${STRIPE_WEBHOOK_PATH} (no valid signature)`,
        cases: bodies.chain((body) => wrongSignature(body).map((signature) => webhook(body, signature))),
        send: sendWebhook,
        describe: describeWebhook,
        rowCounts,
      });
      expect(report.serverErrors).to.equal(0);
    });

    it('answers a validly signed body that is no readable Stripe event with a coded 400 and writes nothing', async () => {
      const garbage = fc.constantFrom(...events()).chain(({ event, schema }) => invalidJsonTexts(schema, event, acceptedEvent));
      const report = await fuzzEndpoint({
        name: `POST ${STRIPE_WEBHOOK_PATH} (signed garbage)`,
        // Signed when sent, so no case waits out the signature tolerance.
        cases: garbage.map((body) => webhook(body)),
        send: (request) => sendWebhook({ ...request, signature: signWebhook(request.body, h.webhookSecret) }),
        describe: describeWebhook,
        rowCounts,
      });
      expect(report.serverErrors).to.equal(0);
    });
  });
});
