/**
 * Tracing across the four service processes: with OTEL_EXPORTER_OTLP_ENDPOINT pointed at an OTLP receiver in this
 * process, a signed Stripe webhook's trace runs through payment, Kafka, subscription, Kafka and credit to the INSERT
 * of the ledger row — one trace id, each span the child of the one before it, each exported by the process that did it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually } from '@billing/testkit';
import { creditGrpcClient, deliverWebhook, restClient, stripeClient } from './support/clients';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, spanKind } from './support/otlp-receiver';
import { type Platform, type ServiceName, serviceNames, startPlatform } from './support/platform';

const kindName = Object.fromEntries(Object.entries(spanKind).map(([name, kind]) => [kind, name]));
const describeSpan = (span: ReceivedSpan) => `${span.service} ${kindName[span.kind]} ${span.name}`;
const queryOf = (span: ReceivedSpan) => String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '');

describe('tracing across the four service processes (E2E)', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  let platform: Platform;
  let customerId: string;

  before(async function () {
    this.timeout(180_000);
    receiver = await startOtlpReceiver();
    // A short batch delay, so the spans reach the receiver soon after the work.
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
    platform = await startPlatform({ env: Object.fromEntries(serviceNames.map((name) => [name, tracing])), logLevel: 'info' });
  });

  after(async function () {
    this.timeout(60_000);
    if (platform) console.log(`    e2e logs: ${platform.logDir}`);
    await platform?.stop();
    await receiver?.close();
  });

  it('follows one trace from the signed webhook through payment, Kafka, subscription and credit to the ledger INSERT', async () => {
    const subscriptionApi = restClient(platform, 'subscription');
    const plan = `trace-${randomUUID().slice(0, 8)}`;
    expect((await subscriptionApi('POST', '/v1/plans', { code: plan, name: plan, price: { amount: 2_900, currency: 'EUR' }, interval: 'month', creditsPerPeriod: 1_000 })).status).to.equal(201);
    const registered = await restClient(platform, 'customer')('POST', '/v1/customers', { externalAccountId: `${platform.runId}-trace`, email: 'trace@example.com', defaultCurrency: 'EUR' });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    customerId = registered.body.customer.id;
    const subscribed = await eventually(() => subscriptionApi('POST', '/v1/subscriptions', { customerId, planCode: plan }), (answer) => answer.status !== 404, 30_000, 200);
    expect(subscribed.status, JSON.stringify(subscribed.body)).to.equal(201);
    const [intent] = await eventually(
      async () => platform.stripe.paymentIntents().filter((candidate) => candidate.metadata.subscriptionId === subscribed.body.id),
      (found) => found.length > 0,
      30_000,
    );
    await stripeClient(platform).paymentIntents.confirm(intent!.id, { payment_method: 'pm_card_visa' });
    const delivered = await deliverWebhook(platform, 'payment_intent.succeeded', intent!.id);
    expect(delivered.body.outcome).to.equal('applied');

    // The webhook request is the root of its trace (Stripe sends no traceparent); its ledger INSERT ends the path.
    const webhook = await eventually(
      async () => receiver.spans.find((span) => span.service === 'payment' && span.kind === spanKind.server && span.name === 'POST /v1/webhooks/stripe'),
      (found) => found !== undefined,
      30_000,
    );
    expect(webhook, 'the webhook request span').to.not.equal(undefined);
    const inTrace = () => receiver.spans.filter((span) => span.traceId === webhook!.traceId);
    const ledgerInsert = await eventually(
      async () => inTrace().find((span) => span.service === 'credit' && /insert into credit_ledger/i.test(queryOf(span))),
      (found) => found !== undefined,
      30_000,
    );
    expect(ledgerInsert, `the credit ledger INSERT in the webhook's trace, which holds:\n${inTrace().map(describeSpan).join('\n')}`).to.not.equal(undefined);

    // From the INSERT up through its parents to the root: a broken link (a lost header, a span started outside its
    // parent's context) ends the chain early or leaves the trace. Each process exports its spans in batches (every 5 s),
    // so a parent from another process may arrive after its child: wait for the chain to reach a root.
    const chainUp = () => {
      const byId = new Map(inTrace().map((span) => [span.spanId, span]));
      const spans: ReceivedSpan[] = [];
      for (let span: ReceivedSpan | undefined = ledgerInsert; span; span = byId.get(span.parentSpanId)) spans.unshift(span);
      return spans;
    };
    const chain = await eventually(async () => chainUp(), (spans) => spans[0]!.parentSpanId === '', 30_000);
    expect(chain.map(describeSpan)).to.deep.equal([
      'payment server POST /v1/webhooks/stripe',
      // Fastify's instrumentation: the route's request, and its handler, in which the outbox row is written.
      'payment internal POST /v1/webhooks/stripe',
      'payment internal handler - handler',
      'payment producer send billing.payment.v1',
      'subscription consumer process billing.payment.v1',
      'subscription producer send billing.subscription.v1',
      'credit consumer process billing.subscription.v1',
      `credit client ${ledgerInsert!.name}`,
    ]);
    expect(chain[0]!.parentSpanId, 'the webhook starts the trace').to.equal('');
    const [, , , paymentSent, subscriptionProcessed, subscriptionSent, creditProcessed] = chain;
    expect(paymentSent!.attributes).to.include({ 'messaging.system': 'kafka', 'messaging.destination.name': 'billing.payment.v1', 'messaging.operation.type': 'send', 'billing.event_type': 'PaymentSucceeded' });
    expect(subscriptionProcessed!.attributes).to.include({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'billing.event_type': 'PaymentSucceeded' });
    expect(subscriptionProcessed!.attributes['messaging.message.id']).to.equal(paymentSent!.attributes['messaging.message.id']);
    expect(subscriptionSent!.attributes).to.include({ 'billing.event_type': 'SubscriptionActivated' });
    expect(creditProcessed!.attributes).to.include({ 'messaging.destination.name': 'billing.subscription.v1', 'billing.event_type': 'SubscriptionActivated' });
    // Each span names the process that did the work: the instance id ends with its pid.
    for (const span of chain) expect(span.instance, describeSpan(span)).to.match(new RegExp(`-${platform.services[span.service as ServiceName].child.pid}$`));
  });

  it("continues a gRPC caller's traceparent into credit's Capture: its queries and the ReservationCaptured it publishes", async () => {
    const untraced = creditGrpcClient(platform);
    const caller = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
    const credit = creditGrpcClient(platform, { metadata: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` } });
    try {
      const reservation = await untraced.call('Reserve', { customerId, amount: 300, ttlSeconds: 600, idempotencyKey: randomUUID() });
      expect(reservation).to.deep.include({ customerId, amount: 300, status: 'HELD' });
      const capture = await credit.call('Capture', { reservationId: reservation.reservationId, amount: 200, idempotencyKey: randomUUID() });
      expect(capture).to.deep.include({ captured: 200 });
    } finally {
      untraced.close();
      credit.close();
    }
    const inTrace = () => receiver.spans.filter((span) => span.traceId === caller.traceId);
    const produced = await eventually(async () => inTrace().find((span) => span.kind === spanKind.producer), (found) => found !== undefined, 30_000);
    const server = inTrace().find((span) => span.kind === spanKind.server);
    expect(server, `credit's server span; the trace holds:\n${inTrace().map(describeSpan).join('\n')}`).to.deep.include({ service: 'credit', parentSpanId: caller.spanId });
    expect(server!.name).to.match(/CreditService\/Capture$/);
    expect(produced).to.deep.include({ service: 'credit', name: 'send billing.credit.v1', parentSpanId: server!.spanId });
    expect(produced!.attributes['billing.event_type']).to.equal('ReservationCaptured');
    expect(inTrace().filter((span) => span.kind === spanKind.client && span.parentSpanId === server!.spanId).map(queryOf).join('\n')).to.match(/credit_reservations/);
  });
});
