import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AvroRecordSchema, AvroCodec, databaseUrlFor, dropDatabase, ensureDatabase, SchemaCatalog, schemasRoot } from '@billing/platform';
import { connectedProducer, eventually, publishEvent, readTopic, testInfrastructure, type TestInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { type BillingEvent, type BillingEventName, type BillingEventSubscription, subscribeToBillingEvents } from '../index';

/**
 * Against the real broker and registry. The platform's schemas are published under a namespace of this run (its own
 * topics, its own subjects), so other runs' events on the shared billing topics cannot interfere.
 */
describe('subscribeToBillingEvents (real Kafka and schema registry)', function () {
  this.timeout(120_000);
  let infra: TestInfrastructure;
  let kafka: Kafka;
  let producer: Producer;
  let codec: AvroCodec;
  let run: string;
  const subscriptions: BillingEventSubscription[] = [];
  const databases: string[] = [];

  const contexts: Record<string, string> = { CreditBalanceLow: 'credit', CreditsGranted: 'credit', SubscriptionCanceled: 'subscription' };
  const topicOf = (name: BillingEventName) => `${run}.${contexts[name] ?? 'other'}.v1`;

  before(async () => {
    infra = await testInfrastructure();
    run = uniqueName('clientevents');
    kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: run, logLevel: logLevel.NOTHING });
    producer = await connectedProducer(kafka);
    const schemas = Object.entries(contexts).map(([name, context]) => {
      const schema = JSON.parse(readFileSync(join(schemasRoot, context, `${name}.avsc`), 'utf8')) as AvroRecordSchema;
      return { ...schema, namespace: `${run}.${context}.v1` };
    });
    codec = new AvroCodec(infra.schemaRegistryUrl, SchemaCatalog.of(schemas));
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
  });

  after(async () => {
    await producer?.disconnect();
    for (const database of databases) await dropDatabase(infra.databaseUrl, database);
  });

  const lowBalance = (customerId: string) => ({ accountId: `account-${customerId}`, customerId, available: 40, threshold: 100, occurredAt: new Date().toISOString() });
  const granted = (customerId: string) => ({
    accountId: `account-${customerId}`,
    customerId,
    grantId: crypto.randomUUID(),
    amount: 500,
    sourceType: 'TOP_UP',
    sourceId: 'payment-1',
    sourcePeriod: null,
    expiresAt: null,
    priority: 10,
    occurredAt: new Date().toISOString(),
  });
  const subscribe = async (options: Omit<Parameters<typeof subscribeToBillingEvents>[0], 'brokers' | 'registryUrl' | 'topicOf'>) => {
    const subscription = await subscribeToBillingEvents({ ...options, brokers: infra.kafkaBrokers, registryUrl: infra.schemaRegistryUrl, topicOf });
    subscriptions.push(subscription);
    await subscription.fetching;
    return subscription;
  };

  it('hands each handler its event with the payload decoded and typed by name, across topics', async () => {
    const seen: BillingEvent[] = [];
    await subscribe({
      groupId: uniqueName('client_typed'),
      handlers: {
        CreditBalanceLow: async (event) => {
          const available: number = event.payload.available;
          expect(available).to.be.a('number');
          seen.push(event);
        },
        SubscriptionCanceled: async (event) => void seen.push(event),
      },
    });
    const customerId = crypto.randomUUID();
    const lowId = await publishEvent(producer, codec, 'CreditBalanceLow', lowBalance(customerId), { key: customerId, correlationId: 'trace-1' });
    await publishEvent(producer, codec, 'CreditsGranted', granted(customerId), { key: customerId });
    await publishEvent(
      producer,
      codec,
      'SubscriptionCanceled',
      { subscriptionId: 's-1', customerId, planId: 'p-1', planVersion: 1, status: 'canceled', reason: 'customer', effectiveAt: new Date().toISOString(), lastPaidPeriodIndex: 2, occurredAt: new Date().toISOString() },
      { key: 's-1' },
    );

    await eventually(async () => seen.length, (count) => count >= 2, 30_000);

    expect(seen.map((event) => event.eventType).sort()).to.deep.equal(['CreditBalanceLow', 'SubscriptionCanceled']);
    const low = seen.find((event) => event.eventType === 'CreditBalanceLow')!;
    expect(low).to.include({ eventId: lowId, correlationId: 'trace-1', key: customerId, topic: topicOf('CreditBalanceLow') });
    expect(low.payload).to.deep.include({ customerId, available: 40, threshold: 100 });
  });

  it('applies a redelivered event once with an inbox, in the same transaction as the effects written through tx', async () => {
    const database = uniqueName('client_inbox');
    await ensureDatabase(infra.databaseUrl, database);
    databases.push(database);
    const databaseUrl = databaseUrlFor(infra.databaseUrl, database);
    const pool = new pg.Pool({ connectionString: databaseUrl });
    await pool.query('create table credits_seen (event_id uuid, customer_id text, amount bigint)');
    let failOnce = true;
    try {
      await subscribe({
        groupId: uniqueName('client_inbox'),
        inbox: { databaseUrl },
        retry: { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
        handlers: {
          CreditsGranted: async (event, tx) => {
            await tx!.query('insert into credits_seen values ($1, $2, $3)', [event.eventId, event.payload.customerId, event.payload.amount]);
            // The insert above rolls back with the failed attempt: only the retry's commit counts.
            if (failOnce) throw new Error((failOnce = false, 'a transient failure after writing'));
          },
        },
      });
      const customerId = crypto.randomUUID();
      const eventId = crypto.randomUUID();
      await publishEvent(producer, codec, 'CreditsGranted', granted(customerId), { key: customerId, eventId });
      await publishEvent(producer, codec, 'CreditsGranted', granted(customerId), { key: customerId, eventId });
      const marker = await publishEvent(producer, codec, 'CreditsGranted', granted(customerId), { key: customerId });

      const rows = await eventually(
        async () => (await pool.query<{ event_id: string }>('select event_id from credits_seen where customer_id = $1', [customerId])).rows,
        (found) => found.some((row) => row.event_id === marker),
        30_000,
      );
      expect(rows.filter((row) => row.event_id === eventId)).to.have.length(1);
      expect(rows).to.have.length(2);
    } finally {
      await pool.end();
    }
  });

  it('sends a poison message and an event whose handler keeps failing to the dead-letter topic, and moves on', async () => {
    const groupId = uniqueName('client_dlq');
    const applied: string[] = [];
    const subscription = await subscribe({
      groupId,
      retry: { attempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
      handlers: {
        CreditBalanceLow: async (event) => {
          if (event.payload.customerId === 'always-fails') throw new Error('this customer cannot be handled');
          applied.push(event.payload.customerId);
        },
      },
    });
    const topic = topicOf('CreditBalanceLow');
    await producer.send({ topic, messages: [{ key: 'x', value: Buffer.from('not avro'), headers: { 'event-id': crypto.randomUUID(), 'event-type': 'CreditBalanceLow' } }] });
    await publishEvent(producer, codec, 'CreditBalanceLow', lowBalance('always-fails'), { key: 'always-fails' });
    const after = crypto.randomUUID();
    await publishEvent(producer, codec, 'CreditBalanceLow', lowBalance(after), { key: after });

    await eventually(async () => applied, (list) => list.includes(after), 30_000);
    const [dlq] = subscription.deadLetterTopics;
    expect(dlq).to.equal(`${topic}.dlq.${groupId}`);
    const dead = await readTopic(kafka, dlq!, (messages) => messages.length >= 2, 30_000);
    expect(dead.map((message) => message.headers?.['dlq-error-type']?.toString()).sort()).to.deep.equal(['Error', 'UndecodableMessageError']);
  });
});
