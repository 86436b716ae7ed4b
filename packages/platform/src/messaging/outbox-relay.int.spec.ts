import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { connectedProducer, crashingRelayScript, eventually, type MessagingTestBed, messagingTestBed, readTopic, registryProxy } from '@billing/testkit';
import { silentLogger } from '../observability/logger';
import { MessagingMetrics } from '../observability/messaging-metrics';
import { PgExecutor, PgUnitOfWork } from '../sql/pg-unit-of-work';
import { AvroCodec } from './avro-codec';
import { InboxConsumer } from './inbox-consumer';
import { OutboxRelay } from './outbox-relay';
import { appendToOutbox, type OutboxMessage } from './outbox-writer';

const amountAdded = (accountId: string, sequence: number, amount = 1): OutboxMessage => ({
  eventId: randomUUID(),
  eventType: 'AmountAdded',
  aggregateType: 'TestAccount',
  aggregateId: accountId,
  payload: { accountId, sequence, amount, poison: false },
  context: { correlationId: randomUUID() },
  occurredAt: new Date(),
});

function runCrashingRelay(bed: MessagingTestBed): Promise<{ signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', crashingRelayScript], {
    env: { ...process.env, RELAY_DATABASE_URL: bed.databaseUrl, RELAY_NAMESPACE: bed.namespace, SCHEMA_REGISTRY_URL: bed.schemaRegistryUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  return new Promise((resolve) => child.on('exit', (_, signal) => resolve({ signal, stdout })));
}

describe('Outbox relay and inbox consumer (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let bed: MessagingTestBed;
  let codec: AvroCodec;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    bed = await messagingTestBed();
    codec = new AvroCodec(bed.schemaRegistryUrl, bed.catalog);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await bed.dispose();
  });

  const startRelay = async (options: { maxLanes?: number; metrics?: MessagingMetrics; pollIntervalMs?: number } = {}) => {
    const relay = new OutboxRelay({ databaseUrl: bed.databaseUrl, kafka: bed.kafka, codec, logger: silentLogger(), pollIntervalMs: 200, ...options });
    await relay.start();
    stops.push(() => relay.stop());
    return relay;
  };

  const startConsumer = async (metrics: MessagingMetrics, retry = { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 }, consumerCodec = codec) => {
    const consumer = new InboxConsumer({
      consumer: `test-consumer-${bed.namespace.replaceAll('.', '-')}`,
      kafka: bed.kafka,
      topics: [bed.topic],
      codec: consumerCodec,
      unitOfWork: new PgUnitOfWork(bed.pool),
      logger: silentLogger(),
      metrics,
      retry,
      handlers: {
        AmountAdded: async (event, tx) => {
          const payload = event.payload as { accountId: string; amount: number; poison: boolean };
          if (payload.poison) throw new Error('poison message: this handler can never apply it');
          await tx.query('insert into test_effects (event_id, account_id, amount) values ($1, $2, $3)', [event.eventId, payload.accountId, payload.amount]);
          await tx.query(
            'insert into test_accounts (id, balance) values ($1, $2) on conflict (id) do update set balance = test_accounts.balance + excluded.balance',
            [payload.accountId, payload.amount],
          );
        },
      },
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    return consumer;
  };

  const query = async <Row>(sql: string, params: unknown[] = []) => new PgExecutor(bed.pool).query<Row>(sql, params);

  it('re-produces what a relay killed between producing and marking published had sent; the consumer applies it once', async () => {
    const events = [amountAdded('acc-1', 1, 10), amountAdded('acc-1', 2, 20), amountAdded('acc-1', 3, 30)];
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, events));

    const crash = await runCrashingRelay(bed);
    expect(crash.signal).to.equal('SIGKILL');
    expect(crash.stdout).to.contain(events[0]!.eventId);
    const unpublished = await query<{ count: number }>('select count(*)::int as count from outbox where published_at is null');
    expect(unpublished[0]!.count, 'the crash rolled back the marking').to.equal(3);

    await startRelay();
    const onTopic = await readTopic(bed.kafka, bed.topic, (messages) => messages.length >= 6);
    const copies = new Map<string, number>();
    for (const message of onTopic) copies.set(message.headers!['event-id']!.toString(), (copies.get(message.headers!['event-id']!.toString()) ?? 0) + 1);
    expect([...copies.values()], 'every event is on the topic twice').to.deep.equal([2, 2, 2]);

    const metrics = new MessagingMetrics();
    await startConsumer(metrics);
    const handled = await eventually(
      async () => (await metrics.processed.get()).values.reduce((sum, value) => sum + value.value, 0) + (await metrics.duplicates.get()).values.reduce((sum, value) => sum + value.value, 0),
      (total) => total >= 6,
    );
    expect(handled).to.equal(6);
    const effects = await query<{ event_id: string }>('select event_id from test_effects order by amount');
    expect(effects.map((effect) => effect.event_id)).to.deep.equal(events.map((event) => event.eventId));
    const [account] = await query<{ balance: string }>("select balance from test_accounts where id = 'acc-1'");
    expect(Number(account!.balance)).to.equal(60);
    expect((await metrics.duplicates.get()).values[0]!.value).to.equal(3);
  });

  it("carries the actor who asked for a change from the outbox row to the Kafka headers and the consumer's context", async () => {
    const byOperator = { ...amountAdded('acc-actor', 1), context: { correlationId: randomUUID(), actor: 'console:alice' } };
    const bySystem = amountAdded('acc-actor', 2);
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, [byOperator, bySystem]));
    await startRelay();
    const onTopic = await readTopic(bed.kafka, bed.topic, (messages) => messages.length >= 2);
    const actorOf = (eventId: string) => onTopic.find((message) => message.headers!['event-id']!.toString() === eventId)!.headers!.actor?.toString();
    expect([actorOf(byOperator.eventId), actorOf(bySystem.eventId)]).to.deep.equal(['console:alice', undefined]);

    const seen = new Map<string, string | undefined>();
    const consumer = new InboxConsumer({
      consumer: `actor-consumer-${bed.namespace.replaceAll('.', '-')}`,
      kafka: bed.kafka,
      topics: [bed.topic],
      codec,
      unitOfWork: new PgUnitOfWork(bed.pool),
      logger: silentLogger(),
      metrics: new MessagingMetrics(),
      handlers: { AmountAdded: async (event) => void seen.set(event.eventId, event.context.actor) },
    });
    await consumer.start();
    stops.push(() => consumer.stop());
    await eventually(async () => seen.size, (size) => size >= 2);
    expect([seen.get(byOperator.eventId), seen.get(bySystem.eventId)]).to.deep.equal(['console:alice', undefined]);
  });

  it('publishes rows whose NOTIFY it never heard, by polling', async () => {
    await startRelay();
    const first = amountAdded('acc-heard', 1);
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, [first]));
    await readTopic(bed.kafka, bed.topic, (messages) => messages.length >= 1);
    // session_replication_role = replica skips the outbox trigger: these inserts send no NOTIFY.
    const unheard = [amountAdded('acc-unheard', 1), amountAdded('acc-unheard', 2)];
    await new PgUnitOfWork(bed.pool).transaction(async (tx) => {
      await tx.query('set local session_replication_role = replica');
      await appendToOutbox(tx, unheard);
    });
    const onTopic = await readTopic(bed.kafka, bed.topic, (messages) => messages.length >= 3);
    expect(onTopic.map((message) => message.headers!['event-id']!.toString())).to.have.members([first, ...unheard].map((event) => event.eventId));
    const unpublished = await query<{ count: number }>('select count(*)::int as count from outbox where published_at is null');
    expect(unpublished[0]!.count).to.equal(0);
  });

  it('publishes a backlog that was there before it started at once, not at its first poll', async () => {
    const backlog = Array.from({ length: 20 }, (_, index) => amountAdded(`acc-backlog-${index}`, 1));
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, backlog));
    const started = Date.now();
    // No NOTIFY comes (the rows were committed before it listened) and the poll is a minute away: only the start-up
    // look at the lanes it has just claimed can find them.
    await startRelay({ pollIntervalMs: 60_000 });
    const onTopic = await readTopic(bed.kafka, bed.topic, (messages) => messages.length >= backlog.length);
    expect(onTopic.map((message) => message.headers!['event-id']!.toString())).to.have.members(backlog.map((event) => event.eventId));
    expect(Date.now() - started, 'well before the first poll').to.be.below(5_000);
  });

  it('two relays publish 10,000 events of 100 aggregates: each aggregate in order, none missing, none twice', async () => {
    const keys = 100;
    const perKey = 100;
    for (let sequence = 0; sequence < perKey; sequence += 1) {
      const batch = Array.from({ length: keys }, (_, key) => amountAdded(`key-${key}`, sequence));
      await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, batch));
    }
    const metricsA = new MessagingMetrics();
    const metricsB = new MessagingMetrics();
    const relayA = await startRelay({ maxLanes: 8, metrics: metricsA });
    const relayB = await startRelay({ maxLanes: 8, metrics: metricsB });

    const messages = await readTopic(bed.kafka, bed.topic, (read) => read.length >= keys * perKey, 90_000);
    expect(messages).to.have.length(keys * perKey);
    expect(relayA.lanes).to.have.length(8);
    expect(relayB.lanes).to.have.length(8);
    expect(relayA.lanes.filter((lane) => relayB.lanes.includes(lane)), 'no lane owned twice').to.deep.equal([]);
    const publishedBy = async (metrics: MessagingMetrics) => (await metrics.published.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect(await publishedBy(metricsA)).to.be.greaterThan(0);
    expect(await publishedBy(metricsB)).to.be.greaterThan(0);
    expect((await publishedBy(metricsA)) + (await publishedBy(metricsB))).to.equal(keys * perKey);

    const sequences = new Map<string, number[]>();
    for (const message of messages) {
      const payload = await codec.decode<{ accountId: string; sequence: number }>(message.value!);
      expect(message.key!.toString()).to.equal(payload.accountId);
      sequences.set(payload.accountId, [...(sequences.get(payload.accountId) ?? []), payload.sequence]);
    }
    expect(sequences.size).to.equal(keys);
    const inOrder = Array.from({ length: perKey }, (_, index) => index);
    for (const [key, seen] of sequences) expect(seen, key).to.deep.equal(inOrder);
  });

  it('sends a poison message to the dead-letter topic after the configured attempts and processes the next one', async () => {
    const poison = { ...amountAdded('acc-p', 2, 99), payload: { accountId: 'acc-p', sequence: 2, amount: 99, poison: true } };
    const events = [amountAdded('acc-p', 1, 5), poison, amountAdded('acc-p', 3, 7)];
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, events));
    await startRelay();
    const metrics = new MessagingMetrics();
    const consumerName = `test-consumer-${bed.namespace.replaceAll('.', '-')}`;
    await startConsumer(metrics);

    const effects = await eventually(
      () => query<{ amount: string }>("select amount from test_effects where account_id = 'acc-p' order by amount"),
      (rows) => rows.length >= 2,
    );
    expect(effects.map((row) => Number(row.amount))).to.deep.equal([5, 7]);
    const [dead] = await readTopic(bed.kafka, `${bed.topic}.dlq.${consumerName}`, (read) => read.length >= 1);
    expect(dead, 'a message on the dead-letter topic').to.not.equal(undefined);
    expect(dead!.headers!['event-id']!.toString()).to.equal(poison.eventId);
    expect(dead!.headers!['dlq-attempts']!.toString()).to.equal('3');
    expect(dead!.headers!['dlq-error']!.toString()).to.contain('poison message');
    expect(dead!.headers!['dlq-original-topic']!.toString()).to.equal(bed.topic);
    expect(await codec.decode(dead!.value!), 'the original value, still decodable').to.deep.include({ sequence: 2, poison: true });
    expect((await metrics.handlerFailures.get()).values[0]!.value).to.equal(3);
    expect((await metrics.deadLettered.get()).values[0]!.value).to.equal(1);
    const inbox = await query<{ event_id: string }>('select event_id from processed_messages');
    expect(inbox.map((row) => row.event_id)).to.not.include(poison.eventId);
  });

  it('dead-letters at once what cannot be decoded (a schema id the registry does not hold, a value that is not Avro) and goes on', async () => {
    const metrics = new MessagingMetrics();
    const consumerName = `test-consumer-${bed.namespace.replaceAll('.', '-')}`;
    await startConsumer(metrics);
    const producer = await connectedProducer(bed.kafka);
    stops.push(() => producer.disconnect());
    const headers = (eventId: string) => ({ 'event-id': eventId, 'event-type': 'AmountAdded', 'correlation-id': eventId });
    const unknownSchema = { eventId: randomUUID(), value: Buffer.from([0, 0x7f, 0x7f, 0x7f, 0x7f, 2]) };
    const notAvro = { eventId: randomUUID(), value: Buffer.from('{"amount": 1}') };
    await producer.send({ topic: bed.topic, acks: -1, messages: [unknownSchema, notAvro].map(({ eventId, value }) => ({ key: 'acc-u', value, headers: headers(eventId) })) });
    const good = amountAdded('acc-u', 1, 3);
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, [good]));
    await startRelay();

    const effects = await eventually(() => query<{ event_id: string }>("select event_id from test_effects where account_id = 'acc-u'"), (rows) => rows.length >= 1);
    expect(effects.map((row) => row.event_id)).to.deep.equal([good.eventId]);
    const dead = await readTopic(bed.kafka, `${bed.topic}.dlq.${consumerName}`, (read) => read.length >= 2);
    expect(dead.map((message) => [message.headers!['event-id']!.toString(), message.headers!['dlq-error-type']!.toString(), message.headers!['dlq-attempts']!.toString()])).to.have.deep.members([
      [unknownSchema.eventId, 'UndecodableMessageError', '1'],
      [notAvro.eventId, 'UndecodableMessageError', '1'],
    ]);
  });

  it('keeps an event whose schema the registry cannot serve waiting, not dead-lettered, and applies it once the registry answers', async () => {
    const registry = await registryProxy(bed.schemaRegistryUrl);
    stops.push(() => registry.close());
    await registry.down();
    const metrics = new MessagingMetrics();
    // A codec of its own through the proxy: it has no schema cached, so it must ask the registry.
    await startConsumer(metrics, { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 }, new AvroCodec(registry.url, bed.catalog));
    const event = amountAdded('acc-r', 1, 11);
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, [event]));
    await startRelay();

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await query('select 1 from test_effects'), 'not applied while the registry is away').to.have.length(0);
    expect((await metrics.deadLettered.get()).values, 'nothing dead-lettered').to.deep.equal([]);

    await registry.up();
    const effects = await eventually(
      () => query<{ event_id: string }>("select event_id from test_effects where account_id = 'acc-r'"),
      (rows) => rows.length >= 1,
    );
    expect(effects.map((row) => row.event_id)).to.deep.equal([event.eventId]);
    expect((await metrics.deadLettered.get()).values).to.deep.equal([]);
  });
});
