// Test-only: the real service in-process (own database, unique consumer groups, manual clock) plus what the tests
// need around it: SQL access to its database, a Kafka producer that publishes like the customer and payment services
// (Avro through the registry, event-id / event-type / correlation-id headers), and a reader of billing.subscription.v1.
import { randomUUID } from 'node:crypto';
import {
  AvroCodec,
  databaseUrlFor,
  dropDatabase,
  ensureTopics,
  SchemaCatalog,
  silentLogger,
  type ServiceSettings,
} from '@billing/platform';
import { integrationEventTopics, type IntegrationEvents } from '@billing/platform/contracts';
import { readTopic, testInfrastructure, uniqueName, type ReadMessage } from '@billing/testkit';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { ManualClock } from './application/testing/manual-clock';
import { CUSTOMER_PROJECTION_CONSUMER } from './interface/consumers/customer-projection.consumer';
import { PAYMENT_RESULTS_CONSUMER } from './interface/consumers/payment-results.consumer';
import { startSubscriptionService, type SubscriptionService, type SubscriptionServiceOverrides } from './subscription-service';

export const TOKEN = 'subscription-tests-token-0123456789';
export const SCOPED_TOKEN = 'scoped-tests-token-0123456789abcdef';
export const SCOPED_CUSTOMER = 'cus_scoped';
export const SUBSCRIPTION_TOPIC = integrationEventTopics.SubscriptionCreated;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface DecodedEvent {
  eventType: string;
  eventId: string;
  key: string;
  payload: Record<string, any>;
}

export interface TestService {
  service: SubscriptionService;
  clock: ManualClock;
  database: string;
  pool: pg.Pool;
  kafka: Kafka;
  codec: AvroCodec;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** A write with a fresh Idempotency-Key. */
  write<T = any>(path: string, body?: unknown, token?: string): Promise<ApiResponse<T>>;
  publish<T extends keyof IntegrationEvents>(eventType: T, key: string, payload: IntegrationEvents[T], eventId?: string): Promise<string>;
  /** Waits until the service's inbox has processed every one of these event ids. */
  processed(eventIds: readonly string[]): Promise<void>;
  /** billing.subscription.v1 messages keyed by `subscriptionId` (the topic is shared), decoded, once at least `atLeast` were read. */
  subscriptionEvents(subscriptionId: string, atLeast: number, timeoutMs?: number): Promise<DecodedEvent[]>;
  outboxCounts(subscriptionId: string): Promise<Record<string, number>>;
  count(table: string): Promise<number>;
  dispose(): Promise<void>;
}

export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Commits the current end of `topic` as the offsets of a consumer group that does not exist yet, by joining it
 * briefly (admin.setOffsets does the same but waits out a whole fetch, ~5 s).
 */
async function startGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let offsets: { partition: number; high: string }[];
  try {
    if (!(await admin.listTopics()).includes(topic)) return; // the service's consumer creates it, empty
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(offsets.map(({ partition, high }) => ({ topic, partition, offset: high })));
  } finally {
    await consumer.disconnect();
  }
}

export async function startTestService(
  options: { start?: Date; overrides?: SubscriptionServiceOverrides } = {},
): Promise<TestService> {
  const infra = await testInfrastructure();
  const database = uniqueName('billing_subscription_test');
  const clock = new ManualClock(options.start ?? new Date('2030-01-31T10:00:00.000Z'));
  const kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: uniqueName('subscription-test'), logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, [SUBSCRIPTION_TOPIC]);
  // A unique service name gives this run its own consumer groups on the shared topics; they start at the topics' current
  // end, since what other runs published before is not this run's business (and replaying it would take seconds).
  const serviceName = uniqueName('subscription');
  await Promise.all([
    startGroupAtEnd(kafka, `${serviceName}.${PAYMENT_RESULTS_CONSUMER}`, integrationEventTopics.PaymentSucceeded),
    startGroupAtEnd(kafka, `${serviceName}.${CUSTOMER_PROJECTION_CONSUMER}`, integrationEventTopics.CustomerRegistered),
  ]);
  const settings: ServiceSettings = {
    service: serviceName,
    database,
    httpPort: 0,
    infrastructure: infra,
    serviceTokens: `tests:${TOKEN},scoped:${SCOPED_TOKEN}:${SCOPED_CUSTOMER}`,
  };
  const service = await startSubscriptionService(settings, {
    clock,
    schedulerTickMs: 20,
    logger: silentLogger(),
    consumerRetry: { attempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
    ...options.overrides,
  });
  const pool = new pg.Pool({ connectionString: databaseUrlFor(infra.databaseUrl, database), max: 4 });
  // An idle connection cut by the final DROP DATABASE … WITH (FORCE) must not crash the test process.
  pool.on('error', () => undefined);
  const codec = new AvroCodec(infra.schemaRegistryUrl, SchemaCatalog.fromDirectory());
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };

  return {
    service,
    clock,
    database,
    pool,
    kafka,
    codec,
    api,
    write: (path, body, token = TOKEN) =>
      api('POST', path, body, { 'idempotency-key': randomUUID(), authorization: `Bearer ${token}` }),
    async publish(eventType, key, payload, eventId = randomUUID()) {
      const { topic, value } = await codec.encode(eventType, payload);
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key,
            value,
            headers: {
              'event-id': eventId,
              'event-type': eventType,
              'correlation-id': randomUUID(),
              'occurred-at': (payload as { occurredAt: string }).occurredAt,
            },
          },
        ],
      });
      return eventId;
    },
    async processed(eventIds) {
      await until(
        async () =>
          (
            await pool.query<{ n: number }>('select count(distinct event_id)::int as n from processed_messages where event_id = any($1::uuid[])', [
              eventIds,
            ])
          ).rows[0]!.n,
        (n) => n === new Set(eventIds).size,
        `the inbox to process ${eventIds.length} events`,
      );
    },
    async subscriptionEvents(subscriptionId, atLeast, timeoutMs = 20_000) {
      const mine = (messages: ReadMessage[]) => messages.filter((message) => message.key?.toString() === subscriptionId);
      const messages = mine(await readTopic(kafka, SUBSCRIPTION_TOPIC, (read) => mine(read).length >= atLeast, timeoutMs));
      return Promise.all(
        messages.map(async (message) => ({
          eventType: message.headers?.['event-type']?.toString() ?? '',
          eventId: message.headers?.['event-id']?.toString() ?? '',
          key: subscriptionId,
          payload: await codec.decode(message.value!),
        })),
      );
    },
    async outboxCounts(subscriptionId) {
      const { rows } = await pool.query<{ event_type: string; n: number }>(
        'select event_type, count(*)::int as n from outbox where aggregate_id = $1 group by event_type',
        [subscriptionId],
      );
      return Object.fromEntries(rows.map((row) => [row.event_type, row.n]));
    },
    async count(table) {
      return (await pool.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
    },
    /** Closes everything, drops the database, then reports the first thing that failed to close. */
    async dispose() {
      const failures: unknown[] = [];
      for (const close of [() => producer.disconnect(), () => service.close(), () => pool.end()]) {
        await close().catch((error: unknown) => failures.push(error));
      }
      await dropDatabase(infra.databaseUrl, database);
      if (failures.length > 0) throw failures[0];
    },
  };
}

/** Publishes CustomerRegistered as the customer service would, and waits until the projection has it. */
export async function registeredCustomer(t: TestService, currency = 'EUR', customerId = uniqueName('cus')): Promise<string> {
  await t.publish('CustomerRegistered', customerId, {
    customerId,
    externalAccountId: `acct_${customerId}`,
    email: `${customerId}@example.com`,
    name: null,
    defaultCurrency: currency,
    occurredAt: new Date().toISOString(),
  });
  await until(
    async () => (await t.pool.query('select 1 from customer_projection where customer_id = $1', [customerId])).rowCount,
    (rows) => rows === 1,
    `customer ${customerId} in the projection`,
  );
  return customerId;
}

export async function createdPlan(t: TestService, overrides: Record<string, unknown> = {}): Promise<{ code: string; planId: string }> {
  const response = await t.write('/v1/plans', {
    code: uniqueName('plan'),
    name: 'Pro',
    price: { amount: 2_900, currency: 'EUR' },
    interval: 'month',
    creditsPerPeriod: 1_000,
    ...overrides,
  });
  if (response.status !== 201) throw new Error(`plan not created: ${JSON.stringify(response.body)}`);
  return response.body;
}

export function paymentSucceeded(subscriptionId: string, customerId: string, periodIndex: number) {
  return {
    paymentId: uniqueName('pay'),
    customerId,
    purpose: 'SUBSCRIPTION_PERIOD' as const,
    referenceId: subscriptionId,
    periodIndex,
    changeId: null,
    credits: null,
    amount: 2_900,
    currency: 'EUR',
    gatewayPaymentIntentId: uniqueName('pi'),
    occurredAt: new Date().toISOString(),
  };
}

export function paymentFailed(subscriptionId: string, customerId: string, periodIndex: number, attempt: number) {
  return { ...paymentSucceeded(subscriptionId, customerId, periodIndex), reason: 'card_declined', attempt };
}

/** GET /v1/subscriptions/{id}, polled until `done`. */
export function subscriptionWhen(t: TestService, id: string, done: (view: any) => boolean, what: string, timeoutMs?: number): Promise<any> {
  return until(async () => (await t.api('GET', `/v1/subscriptions/${id}`)).body, done, `${id}: ${what}`, timeoutMs);
}

/** A subscription whose period 1 was paid through a PaymentSucceeded event. */
export async function activeSubscription(t: TestService, plan: Record<string, unknown> = {}): Promise<{ id: string; customerId: string; view: any }> {
  const customerId = await registeredCustomer(t);
  const { code } = await createdPlan(t, plan);
  const created = await t.write('/v1/subscriptions', { customerId, planCode: code });
  if (created.status !== 201) throw new Error(`subscription not created: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  await t.publish('PaymentSucceeded', id, paymentSucceeded(id, customerId, 1));
  const view = await subscriptionWhen(t, id, (s) => s.status === 'active', 'active');
  return { id, customerId, view };
}
