import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from '../testing/customer-service.test-harness';
import { CUSTOMER_TOPIC } from './integration-events';

interface Received {
  readonly message: KafkaMessage;
  readonly partition: number;
  readonly value: Record<string, unknown>;
  readonly schemaName: string;
}

/**
 * What an outside consumer sees: a plain kafkajs consumer and the @kafkajs/confluent-schema-registry client against
 * the registry — none of our own messaging code (AvroCodec, relay) is used to read.
 */
async function readCustomerEvents(kafka: Kafka, registry: SchemaRegistry, customerId: string, count: number, timeoutMs = 30_000): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('customer_events_test') });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: CUSTOMER_TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (message.key?.toString() !== customerId || !message.value) continue;
              const schemaId = message.value.readInt32BE(1);
              const schema = (await registry.getSchema(schemaId)) as unknown as { name: string };
              received.push({ message, partition: batch.partition, value: { ...((await registry.decode(message.value)) as Record<string, unknown>) }, schemaName: schema.name });
            }
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('Customer integration events on billing.customer.v1 (real Kafka and Apicurio registry)', function () {
  this.timeout(90_000);
  let harness: CustomerServiceHarness;
  let kafka: Kafka;
  let registry: SchemaRegistry;

  before(async () => {
    harness = await startCustomerServiceHarness();
    const infra = await testInfrastructure();
    kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: 'customer-events-test', logLevel: logLevel.NOTHING });
    registry = new SchemaRegistry({ host: infra.schemaRegistryUrl });
  });
  after(async () => {
    await harness?.close();
  });

  it('registering through REST publishes CustomerRegistered then PaymentGatewayLinked, keyed by the customer id, decodable through the registry', async () => {
    const correlationId = uniqueName('corr');
    const body = registrationBody({ email: 'events@example.com', name: 'Eve Nts', defaultCurrency: 'GBP' });
    const answer = await harness.http('POST', '/v1/customers', { body, idempotencyKey: newKey(), headers: { 'x-correlation-id': correlationId } });
    expect(answer.status).to.equal(201);
    const customer = answer.body.customer;
    const stripeCustomerId = customer.gatewayLinks[0].gatewayCustomerId;

    const events = await readCustomerEvents(kafka, registry, customer.id, 2);
    expect(events.map((event) => event.schemaName)).to.deep.equal(['billing.customer.v1.CustomerRegistered', 'billing.customer.v1.PaymentGatewayLinked']);
    expect(events[0]!.value).to.deep.equal({
      customerId: customer.id,
      externalAccountId: body.externalAccountId,
      email: 'events@example.com',
      name: 'Eve Nts',
      defaultCurrency: 'GBP',
      occurredAt: customer.createdAt,
    });
    expect(events[1]!.value).to.deep.equal({
      customerId: customer.id,
      externalAccountId: body.externalAccountId,
      gateway: 'stripe',
      gatewayCustomerId: stripeCustomerId,
      occurredAt: customer.gatewayLinks[0].linkedAt,
    });
    // Same key → same partition, in order; headers carry the type and the request's correlation id.
    expect(events[0]!.partition).to.equal(events[1]!.partition);
    for (const [index, type] of ['CustomerRegistered', 'PaymentGatewayLinked'].entries()) {
      const headers = events[index]!.message.headers ?? {};
      expect(headers['event-type']?.toString()).to.equal(type);
      expect(headers['correlation-id']?.toString()).to.equal(correlationId);
      expect(headers['event-id']?.toString()).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it('publishes CustomerUpdated and CustomerDeactivated for PATCH and deactivate', async () => {
    const registered = (await harness.http('POST', '/v1/customers', { body: registrationBody(), idempotencyKey: newKey() })).body.customer;
    await harness.http('PATCH', `/v1/customers/${registered.id}`, { body: { name: null, defaultCurrency: 'CHF' }, idempotencyKey: newKey() });
    const deactivated = (await harness.http('POST', `/v1/customers/${registered.id}/deactivate`, { idempotencyKey: newKey() })).body;
    const events = await readCustomerEvents(kafka, registry, registered.id, 4);
    expect(events.map((event) => event.schemaName.split('.').at(-1))).to.deep.equal([
      'CustomerRegistered',
      'PaymentGatewayLinked',
      'CustomerUpdated',
      'CustomerDeactivated',
    ]);
    expect(events[2]!.value).to.deep.include({ customerId: registered.id, email: registered.email, name: null, defaultCurrency: 'CHF' });
    expect(events[3]!.value).to.deep.equal({ customerId: registered.id, externalAccountId: registered.externalAccountId, occurredAt: deactivated.deactivatedAt });
  });
});
