import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventually, type MessagingTestBed, messagingTestBed, readTopic, relayInstanceScript } from '@billing/testkit';
import { PgExecutor, PgUnitOfWork } from '../sql/pg-unit-of-work';
import { AvroCodec } from './avro-codec';
import { outboxLanes } from './messaging.migration';
import { appendToOutbox, type OutboxMessage } from './outbox-writer';

interface Instance {
  child: ChildProcess;
  lanes: number[];
  /** When the lanes last changed (epoch ms). */
  lanesAt: number;
  batches: string[][];
  exitedAt?: number;
}

function startInstance(bed: MessagingTestBed, killAfterBatches?: number): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', relayInstanceScript], {
    env: {
      ...process.env,
      RELAY_DATABASE_URL: bed.databaseUrl,
      RELAY_NAMESPACE: bed.namespace,
      SCHEMA_REGISTRY_URL: bed.schemaRegistryUrl,
      RELAY_BATCH_SIZE: '20',
      ...(killAfterBatches ? { RELAY_KILL_AFTER_BATCHES: String(killAfterBatches) } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const instance: Instance = { child, lanes: [], lanesAt: 0, batches: [] };
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [word, list = ''] = line.split(' ');
      const items = list === '' ? [] : list.split(',');
      if (word === 'lanes') Object.assign(instance, { lanes: items.map(Number), lanesAt: Date.now() });
      if (word === 'produced') instance.batches.push(items);
    }
  });
  child.once('exit', () => (instance.exitedAt = Date.now()));
  return instance;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

const amountAdded = (accountId: string, sequence: number): OutboxMessage => ({
  eventId: randomUUID(),
  eventType: 'AmountAdded',
  aggregateType: 'TestAccount',
  aggregateId: accountId,
  payload: { accountId, sequence, amount: 1, poison: false },
  context: { correlationId: randomUUID() },
  occurredAt: new Date(),
});

describe('Outbox relay takeover (two relay processes on one outbox, real PostgreSQL and Kafka)', function () {
  this.timeout(180_000);
  let bed: MessagingTestBed;
  const instances: Instance[] = [];

  beforeEach(async () => {
    bed = await messagingTestBed();
  });
  afterEach(async () => {
    for (const { child } of instances.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await bed.dispose();
  });

  it("shares the lanes; when one relay is SIGKILLed mid-batch the other takes its lanes within 15 s and every row is published", async () => {
    const victim = startInstance(bed, 5);
    const survivor = startInstance(bed);
    instances.push(victim, survivor);
    const half = outboxLanes / 2;
    await eventually(async () => [victim.lanes.length, survivor.lanes.length], ([a, b]) => a === half && b === half, 30_000);
    expect(victim.lanes.length, 'the lanes are shared evenly').to.equal(half);
    expect(survivor.lanes.filter((lane) => victim.lanes.includes(lane)), 'no lane owned twice').to.deep.equal([]);

    const keys = 100;
    const rounds = 40;
    for (let sequence = 0; sequence < rounds; sequence += 1) {
      const round = Array.from({ length: keys }, (_, key) => amountAdded(`key-${key}`, sequence));
      await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, round));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await exited(victim.child);
    expect(victim.child.signalCode, 'the victim died mid-batch').to.equal('SIGKILL');

    await eventually(async () => survivor.lanes.length, (lanes) => lanes === outboxLanes, 30_000);
    const takeoverSeconds = (survivor.lanesAt - victim.exitedAt!) / 1000;
    process.stdout.write(`      relay takeover: ${takeoverSeconds.toFixed(1)} s from SIGKILL to the survivor owning all ${outboxLanes} lanes\n`);
    expect(takeoverSeconds).to.be.below(15);

    const unpublished = () => new PgExecutor(bed.pool).query<{ rows: number }>('select count(*)::int as rows from outbox where published_at is null');
    const [left] = await eventually(unpublished, ([row]) => row!.rows === 0, 30_000);
    expect(left!.rows, 'every row published').to.equal(0);

    const admin = bed.kafka.admin();
    await admin.connect();
    const onTopic = (await admin.fetchTopicOffsets(bed.topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    await admin.disconnect();
    const messages = await readTopic(bed.kafka, bed.topic, (read) => read.length >= onTopic, 60_000);
    expect(messages).to.have.length(onTopic);

    const codec = new AvroCodec(bed.schemaRegistryUrl, bed.catalog);
    const copies = new Map<string, number>();
    const firstSeen = new Map<string, number[]>();
    for (const message of messages) {
      const eventId = message.headers!['event-id']!.toString();
      copies.set(eventId, (copies.get(eventId) ?? 0) + 1);
      if (copies.get(eventId)! > 1) continue;
      const { accountId, sequence } = await codec.decode<{ accountId: string; sequence: number }>(message.value!);
      firstSeen.set(accountId, [...(firstSeen.get(accountId) ?? []), sequence]);
    }
    expect(copies.size, 'every row on the topic').to.equal(keys * rounds);
    const inOrder = Array.from({ length: rounds }, (_, index) => index);
    for (const [key, sequences] of firstSeen) expect(sequences, `${key} in order`).to.deep.equal(inOrder);
    // Duplicates only from the batches the victim had in flight when it died: a worker claims up to the batch size (20)
    // of each of its lanes at once, and each lane has one worker, so at most 20 per victim lane.
    const doubled = [...copies].filter(([, count]) => count > 1).map(([eventId]) => eventId);
    const doubledLanes = await new PgExecutor(bed.pool).query<{ lane: number }>('select distinct lane from outbox where id = any($1::uuid[])', [doubled]);
    expect(doubledLanes.map((row) => row.lane).filter((lane) => !victim.lanes.includes(lane)), "published twice only in the victim's lanes").to.deep.equal([]);
    expect(doubled.length).to.be.at.most(victim.lanes.length * 20);
    process.stdout.write(`      ${keys * rounds} rows, ${doubled.length} published twice (the victim's batches in flight)\n`);
  });
});
