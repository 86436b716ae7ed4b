import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import { connectedProducer, consumerInstanceScript, eventually, type MessagingTestBed, messagingTestBed, publishEvent } from '@billing/testkit';
import { PgExecutor } from '../sql/pg-unit-of-work';
import { AvroCodec } from './avro-codec';

interface Instance {
  child: ChildProcess;
  fetching: Promise<void>;
  /** Sequence → when this instance applied it (epoch ms). */
  applied: Map<number, number>;
}

function startInstance(bed: MessagingTestBed, group: string): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', consumerInstanceScript], {
    env: {
      ...process.env,
      CONSUMER_DATABASE_URL: bed.databaseUrl,
      CONSUMER_NAMESPACE: bed.namespace,
      CONSUMER_GROUP: group,
      SCHEMA_REGISTRY_URL: bed.schemaRegistryUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const applied = new Map<number, number>();
  let buffered = '';
  let markFetching!: () => void;
  const fetching = new Promise<void>((resolve) => (markFetching = resolve));
  child.stdout!.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line === 'fetching') markFetching();
      const [word, sequence, at] = line.split(' ');
      if (word === 'applied') applied.set(Number(sequence), Number(at));
    }
  });
  return { child, fetching, applied };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('Inbox consumer failover (two instances in one group, real Kafka and PostgreSQL)', function () {
  this.timeout(120_000);
  let bed: MessagingTestBed;
  let producer: Producer;
  const instances: Instance[] = [];

  beforeEach(async () => {
    bed = await messagingTestBed();
    producer = await connectedProducer(bed.kafka);
  });
  afterEach(async () => {
    for (const { child } of instances.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await producer.disconnect();
    await bed.dispose();
  });

  it("has the survivor consume a SIGKILLed instance's partition within 15 s, each event applied once", async () => {
    const codec = new AvroCodec(bed.schemaRegistryUrl, bed.catalog);
    const group = `failover-${bed.namespace.replaceAll('.', '-')}`;
    instances.push(startInstance(bed, group), startInstance(bed, group));
    await Promise.all(instances.map((instance) => instance.fetching));

    // One key, so one partition and one owner: the stream runs at 20 events/s until stopped.
    let produced = 0;
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        produced += 1;
        await publishEvent(producer, codec, 'AmountAdded', { accountId: 'acc-1', sequence: produced, amount: 1, poison: false }, { key: 'acc-1', eventId: randomUUID() });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const owner = await eventually(async () => instances.find((instance) => instance.applied.size >= 40), Boolean, 60_000);
    expect(owner, 'one instance consumes the stream').to.not.equal(undefined);
    const survivor = instances.find((instance) => instance !== owner)!;
    expect(survivor.applied.size, 'the other instance owns none of it').to.equal(0);

    const killedAt = Date.now();
    owner!.child.kill('SIGKILL');
    await exited(owner!.child);
    await eventually(async () => survivor.applied.size, (size) => size >= 20, 30_000);
    streaming = false;
    await stream;

    const resumedAt = Math.min(...survivor.applied.values());
    const failoverSeconds = (resumedAt - killedAt) / 1000;
    process.stdout.write(`      consumer failover: ${failoverSeconds.toFixed(1)} s from SIGKILL to the survivor's first applied event\n`);
    expect(failoverSeconds).to.be.below(15);

    const effects = () => new PgExecutor(bed.pool).query<{ amount: number }>('select count(*)::int as amount from test_effects');
    const [count] = await eventually(effects, ([row]) => row!.amount >= produced, 30_000);
    expect(count!.amount, 'every event applied, none twice').to.equal(produced);
    const [distinct] = await new PgExecutor(bed.pool).query<{ events: number }>('select count(distinct event_id)::int as events from test_effects');
    expect(distinct!.events).to.equal(produced);
  });
});
