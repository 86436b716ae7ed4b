import { randomBytes, randomUUID } from 'node:crypto';
import { databaseUrlFor, dropDatabase, silentLogger, type MessageContext, type ServiceSettings } from '@billing/platform';
import { readTopic, signWebhook, startStripeTestServer, testInfrastructure, uniqueName, type ReadMessage, type StripeTestServer } from '@billing/testkit';
import pg from 'pg';
import Stripe from 'stripe';
import { startPaymentService, type PaymentService } from '../payment-service';
import { startFakeCustomerService } from './fake-customer-service';

export const PAYMENT_TOPIC = 'billing.payment.v1';

export interface RowCounts {
  payments: number;
  processedWebhookEvents: number;
  outbox: number;
}

/**
 * The real payment service started in-process (port 0) on a fresh database, with a unique service name (so unique
 * consumer groups), the local Stripe-compatible server, and a fake customer gRPC service. Everything is torn down by
 * close().
 */
export async function startPaymentHarness(options: { stripeTestModeKey?: string } = {}) {
  const infra = await testInfrastructure();
  // Stripe test mode (api.stripe.com with an sk_test_ key), or the local Stripe-compatible server.
  const local: StripeTestServer | null = options.stripeTestModeKey ? null : await startStripeTestServer();
  // As npm start configures it: against the local server, payments the customer can still pay link its test checkout.
  const stripeSettings = local ? { secretKey: local.apiKey, ...local.clientOptions, checkoutPageUrl: `${local.url}/pay/` } : { secretKey: options.stripeTestModeKey! };
  const customerToken = `customer-${randomBytes(12).toString('hex')}`;
  const customerService = await startFakeCustomerService(customerToken);
  const database = uniqueName('billing_payment_test');
  const token = `tok-${randomBytes(16).toString('hex')}`;
  // A token that may only act for one customer: what a customer-facing front end would hold.
  const scopedCustomerId = randomUUID();
  const scopedToken = `scoped-${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  // Configured as while the endpoint's secret is rolled (docs/runbook.md): the new one first, then the old one.
  const previousWebhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const settings: ServiceSettings = {
    service: uniqueName('payment'),
    database,
    httpPort: 0,
    infrastructure: { databaseUrl: infra.databaseUrl, kafkaBrokers: infra.kafkaBrokers, schemaRegistryUrl: infra.schemaRegistryUrl },
    serviceTokens: `tests:${token},scoped:${scopedToken}:${scopedCustomerId}`,
  };
  const service: PaymentService = await startPaymentService(settings, {
    stripe: { ...stripeSettings, webhookSecret: `${webhookSecret},${previousWebhookSecret}` },
    customerService: { url: customerService.url, token: customerToken },
    consumersFromBeginning: false,
    consumerRetry: { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 500 },
    logger: process.env.TEST_LOGS ? undefined : silentLogger(),
  });
  const pool = new pg.Pool({ connectionString: databaseUrlFor(infra.databaseUrl, database), max: 4 });
  const stripe = local ? new Stripe(local.apiKey, { ...local.clientOptions, maxNetworkRetries: 0 }) : new Stripe(options.stripeTestModeKey!, { maxNetworkRetries: 2 });
  const startedAt = Math.floor(Date.now() / 1000);
  const producer = service.runtime.kafka.producer();
  await producer.connect();

  const harness = {
    service,
    /** The local Stripe-compatible server (not there in Stripe test mode). */
    get stripeServer(): StripeTestServer {
      if (local === null) throw new Error('running against Stripe test mode: there is no local Stripe server');
      return local;
    },
    stripe,
    customerService,
    pool,
    webhookSecret,
    previousWebhookSecret,
    settings,
    token,
    scopedToken,
    scopedCustomerId,

    async api(method: 'GET' | 'POST' | 'PATCH', path: string, options: { body?: unknown; idempotencyKey?: string; token?: string | null; actor?: string } = {}) {
      const headers: Record<string, string> = {};
      if (options.actor) headers['billing-actor'] = options.actor;
      if (options.token !== null) headers.authorization = `Bearer ${options.token ?? token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
      const response = await fetch(`${service.httpUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      return { status: response.status, body: (await response.json()) as any };
    },

    /** A top-up pack of `credits` for `amount` (created once per terms), named as POST /v1/top-ups wants it. */
    async pack(credits = 500, amount = 1_000, currency = 'EUR'): Promise<string> {
      const code = `p-${credits}-${amount}-${currency.toLowerCase()}`;
      const created = await harness.api('POST', '/v1/top-up-packs', { body: { code, credits, prices: [{ amount, currency }] }, idempotencyKey: `pack-${code}` });
      if (created.status !== 201) throw new Error(`pack ${code} not created: ${created.status} ${JSON.stringify(created.body)}`);
      return code;
    },

    /** POSTs a body to the webhook endpoint, signed with the endpoint secret unless headers say otherwise. */
    async deliver(payload: string | Buffer, headers?: Record<string, string>) {
      const response = await fetch(`${service.httpUrl}/v1/webhooks/stripe`, {
        method: 'POST',
        headers: headers ?? { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signWebhook(payload.toString(), webhookSecret) },
        body: payload,
      });
      return { status: response.status, body: (await response.json()) as any };
    },

    /** The exact body the Stripe server recorded for its latest event of `type` about `objectId`. */
    eventPayload(type: string, objectId: string): { id: string; payload: string } {
      const event = [...harness.stripeServer.events()].reverse().find((candidate) => {
        const object = candidate.data.object as unknown as { id: string; payment_intent?: string };
        return candidate.type === type && (object.id === objectId || object.payment_intent === objectId);
      });
      if (!event) throw new Error(`the Stripe test server has no ${type} event for ${objectId}`);
      return { id: event.id, payload: harness.stripeServer.webhookPayload(event.id) };
    },

    /**
     * Stripe test mode: the latest real event of `type` about `objectId`, read from GET /v1/events (Stripe cannot reach
     * this machine, so the test signs and delivers it itself, as `stripe listen` would).
     */
    async testModeEventPayload(type: string, objectId: string, timeoutMs = 30_000): Promise<{ id: string; payload: string }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for await (const event of stripe.events.list({ type, limit: 100, created: { gte: startedAt - 60 } })) {
          const object = event.data.object as unknown as { id: string; payment_intent?: string | { id: string } | null };
          const intent = typeof object.payment_intent === 'string' ? object.payment_intent : object.payment_intent?.id;
          if (object.id === objectId || intent === objectId) return { id: event.id, payload: JSON.stringify(event, null, 2) };
        }
        if (Date.now() > deadline) throw new Error(`Stripe has no ${type} event for ${objectId} yet`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },

    async counts(): Promise<RowCounts> {
      const { rows } = await pool.query<RowCounts>(
        `select (select count(*)::int from payments) as payments,
                (select count(*)::int from processed_webhook_events) as "processedWebhookEvents",
                (select count(*)::int from outbox) as outbox`,
      );
      return rows[0]!;
    },

    async paymentRow(paymentId: string) {
      const { rows } = await pool.query('select status, version, refunds, disputes, gateway_payment_intent_id from payments where payment_id = $1', [paymentId]);
      return rows[0] as { status: string; version: number; refunds: unknown[]; disputes: unknown[]; gateway_payment_intent_id: string | null };
    },

    async outboxOf(paymentId: string) {
      const { rows } = await pool.query<{ event_type: string; payload: Record<string, unknown>; headers: MessageContext }>(
        'select event_type, payload, headers from outbox where aggregate_id = $1 order by seq',
        [paymentId],
      );
      return rows;
    },

    /** billing.payment.v1 messages keyed by this payment (the topic is shared), decoded, once `until` holds. */
    async paymentEvents(paymentId: string, until: (events: { type: string }[]) => boolean, timeoutMs = 20_000) {
      const decode = async (messages: ReadMessage[]) =>
        Promise.all(
          messages
            .filter((message) => message.key?.toString() === paymentId)
            .map(async (message) => ({ type: message.headers?.['event-type']?.toString() ?? '', payload: await service.runtime.codec.decode(message.value!) })),
        );
      const kept = (messages: ReadMessage[]) => messages.filter((message) => message.key?.toString() === paymentId);
      const messages = await readTopic(
        service.runtime.kafka,
        PAYMENT_TOPIC,
        (read) => until(kept(read).map((message) => ({ type: message.headers?.['event-type']?.toString() ?? '' }))),
        timeoutMs,
      );
      return decode(messages);
    },

    /** Produces an integration event as its owning service's relay would (Avro value, headers, key). */
    async produce(eventType: string, payload: Record<string, unknown>, options: { key: string; eventId?: string; partition?: number }) {
      const eventId = options.eventId ?? randomUUID();
      const { topic, value } = await service.runtime.codec.encode(eventType, payload);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: options.key,
            value,
            ...(options.partition === undefined ? {} : { partition: options.partition }),
            headers: { 'event-id': eventId, 'event-type': eventType, 'occurred-at': new Date().toISOString(), 'correlation-id': randomUUID() },
          },
        ],
      });
      return eventId;
    },

    /**
     * Waits until a consumer group reads every partition of its topic: with a new group starting at the latest offset,
     * events produced before that would never be seen. Sends probes (events the handlers ignore) to each partition
     * until one per partition shows up in processed_messages.
     */
    async waitUntilConsuming(consumer: string, topic: string, probe: (partition: number) => Promise<string>, timeoutMs = 30_000) {
      const admin = service.runtime.kafka.admin();
      await admin.connect();
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.disconnect();
      const name = `${settings.service}.${consumer}`;
      const pending = new Set(metadata.topics[0]!.partitions.map((partition) => partition.partitionId));
      const sent = new Map<string, number>();
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`${consumer} did not start consuming ${topic} partitions ${[...pending].join(', ')}`);
        for (const partition of pending) sent.set(await probe(partition), partition);
        await new Promise((resolve) => setTimeout(resolve, 400));
        const { rows } = await pool.query<{ event_id: string }>('select event_id from processed_messages where consumer = $1 and event_id = any($2::uuid[])', [
          name,
          [...sent.keys()],
        ]);
        for (const row of rows) pending.delete(sent.get(row.event_id)!);
      }

    },

    /** The customer_gateway_links row of a customer, once the projection has it (undefined after the timeout). */
    async projectedLink(customerId: string, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query<{ gateway_customer_id: string; source: string }>(
          'select gateway_customer_id, source from customer_gateway_links where customer_id = $1',
          [customerId],
        );
        if (rows[0] !== undefined || Date.now() > deadline) return rows[0];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    /** Waits until the consumer has applied each of these event ids (processed_messages rows). */
    async eventuallyProcessed(consumer: string, eventIds: string[], timeoutMs = 20_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from processed_messages where consumer = $1 and event_id = any($2::uuid[])', [
          `${settings.service}.${consumer}`,
          eventIds,
        ]);
        if (rows[0]!.n >= eventIds.length || Date.now() > deadline) return rows[0]!.n;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    async close() {
      await producer.disconnect().catch(() => undefined);
      await service.close();
      await pool.end();
      await dropDatabase(infra.databaseUrl, database);
      await local?.close();
      await customerService.close();
    },
  };
  return harness;
}

export type PaymentHarness = Awaited<ReturnType<typeof startPaymentHarness>>;
