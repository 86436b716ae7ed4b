import { AvroCodec, ensureTopics, SchemaCatalog } from '@billing/platform';
import { amountAddedSchema, readTopic, testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { consoleTestApp, type SignedIn, signIn } from '../testing/console-test-app';
import { KafkaOperations } from './kafka-operations';

describe('console operations (real Kafka and registry)', function () {
  this.timeout(90_000);
  let kafka: Kafka;
  let service: FastifyInstance;
  let app: FastifyInstance;
  let operator: SignedIn;
  const original = `${uniqueName('console_ops')}.v1`;
  const deadLetters = `${original}.dlq.console-test`;
  const groupId = uniqueName('console-ops-group');

  before(async () => {
    const infra = await testInfrastructure();
    kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: 'console-ops-test', logLevel: logLevel.NOTHING });
    const codec = new AvroCodec(infra.schemaRegistryUrl, SchemaCatalog.of([amountAddedSchema(original)]));
    await ensureTopics(kafka, [original, deadLetters]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: original, acks: -1, messages: [{ key: 'waiting', value: (await codec.encode('AmountAdded', { accountId: 'w', sequence: 0, amount: 1 })).value }] });
    const letters = await Promise.all(
      [1, 2].map(async (sequence) => ({
        key: `account-${sequence}`,
        value: (await codec.encode('AmountAdded', { accountId: `account-${sequence}`, sequence, amount: 100 * sequence, poison: true })).value,
        headers: { 'event-id': `event-${sequence}`, 'event-type': 'AmountAdded', 'dlq-error': 'poison', 'dlq-attempts': '5', 'dlq-original-topic': original },
      })),
    );
    // A value that is not Avro at all: the peek shows it with why it cannot be decoded, instead of failing the page.
    const garbage = { key: 'account-3', value: Buffer.from('not avro'), headers: { 'event-id': 'event-3', 'dlq-error': 'undecodable', 'dlq-original-topic': original } };
    for (const letter of [...letters, garbage]) await producer.send({ topic: deadLetters, acks: -1, messages: [letter] });
    await producer.disconnect();

    // A service as the console sees one: /readyz and the outbox gauges on /metrics.
    service = Fastify();
    service.get('/readyz', async () => ({ status: 'ready' }));
    service.get('/metrics', async (_, reply) =>
      reply.type('text/plain').send('# HELP outbox_backlog_rows Unpublished outbox rows\n# TYPE outbox_backlog_rows gauge\noutbox_backlog_rows 3\noutbox_oldest_age_seconds 12.5\nconsumer_lag_messages{consumer="x",topic="y"} 4\n'),
    );
    const serviceUrl = await service.listen({ host: '127.0.0.1', port: 0 });
    const serviceUrls = { customer: serviceUrl, credit: 'http://127.0.0.1:9', subscription: serviceUrl, payment: serviceUrl };
    app = await consoleTestApp({ serviceUrls, operations: new KafkaOperations({ kafka, codec, serviceUrls, consumerGroups: [{ groupId, topics: [original] }] }) });
    operator = await signIn(app, 'alice');
  });

  after(async () => {
    await app?.close();
    await service?.close();
    if (!kafka) return;
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [original, deadLetters] }).catch(() => undefined);
    await admin.disconnect();
  });

  const status = async () => (await app.inject({ method: 'GET', url: '/api/ops/status', headers: { cookie: operator.cookie } })).json();

  it("reports each service's readiness and outbox, each group's lag and each dead-letter topic", async () => {
    const { services, consumers, deadLetters: topics, kafkaError } = await status();
    expect(kafkaError).to.equal(undefined);
    expect(services.find((entry: { name: string }) => entry.name === 'customer')).to.deep.include({ ready: true, outbox: { rows: 3, oldestAgeSeconds: 12.5 } });
    expect(services.find((entry: { name: string }) => entry.name === 'credit')).to.deep.include({ ready: false, outbox: null });
    expect(consumers).to.deep.equal([{ groupId, topic: original, lag: 1 }]);
    expect(topics).to.deep.include({ topic: deadLetters, messages: 3, pending: 3 });
  });

  it("shows a dead-letter topic's messages decoded, without moving any group's offsets", async () => {
    const response = await app.inject({ method: 'GET', url: `/api/ops/dead-letters/${deadLetters}/messages?limit=10`, headers: { cookie: operator.cookie } });
    expect(response.statusCode).to.equal(200);
    const { data } = response.json();
    expect(data).to.have.length(3);
    const byKey = new Map(data.map((letter: { key: string }) => [letter.key, letter]));
    expect(byKey.get('account-2')).to.deep.include({
      eventId: 'event-2',
      eventType: 'AmountAdded',
      originalTopic: original,
      error: 'poison',
      attempts: 5,
      payload: { accountId: 'account-2', sequence: 2, amount: 200, poison: true },
    });
    expect(byKey.get('account-3')).to.deep.include({ payload: null, attempts: null, error: 'undecodable' });
    expect((byKey.get('account-3') as { payloadError: string }).payloadError).to.be.a('string');
    const limited = await app.inject({ method: 'GET', url: `/api/ops/dead-letters/${deadLetters}/messages?limit=1`, headers: { cookie: operator.cookie } });
    expect(limited.json().data).to.have.length(1);

    expect((await status()).deadLetters).to.deep.include({ topic: deadLetters, messages: 3, pending: 3 });
    const admin = kafka.admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId);
    await admin.disconnect();
    expect(groups.filter((group) => group.startsWith('console-peek.')), 'peek groups deleted').to.deep.equal([]);
  });

  it('replays a dead-letter topic to its original topic for an operator (as npm run dlq does), once', async () => {
    const headers = { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken };
    const replay = await app.inject({ method: 'POST', url: `/api/ops/dead-letters/${deadLetters}/replay`, headers });
    expect(replay.statusCode).to.equal(200);
    expect(replay.json()).to.deep.equal({ replayed: 3 });
    expect((await app.inject({ method: 'POST', url: `/api/ops/dead-letters/${deadLetters}/replay`, headers })).json()).to.deep.equal({ replayed: 0 });
    expect((await status()).deadLetters).to.deep.include({ topic: deadLetters, messages: 3, pending: 0 });
    const messages = await readTopic(kafka, original, (read) => read.length >= 4, 15_000);
    expect(messages.map((message) => message.key!.toString()).sort()).to.deep.equal(['account-1', 'account-2', 'account-3', 'waiting']);
  });
});
