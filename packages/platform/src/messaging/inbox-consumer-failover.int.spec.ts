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

/** `onSignal`: the process loads, then joins the group when a line arrives on its stdin (see consumer-instance.ts). */
function startInstance(bed: MessagingTestBed, group: string, onSignal = false): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', consumerInstanceScript], {
    env: {
      ...process.env,
      CONSUMER_DATABASE_URL: bed.databaseUrl,
      CONSUMER_NAMESPACE: bed.namespace,
      CONSUMER_GROUP: group,
      SCHEMA_REGISTRY_URL: bed.schemaRegistryUrl,
      ...(onSignal ? { CONSUMER_START_ON_STDIN: '1' } : {}),
    },
    stdio: [onSignal ? 'pipe' : 'ignore', 'pipe', 'inherit'],
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

  /**
   * Two instances with a stream of 20 events/s on one key (one partition, one owner); the owner is SIGKILLed and, with
   * `respawnAfterMs`, started again that soon. Resolves with the seconds from the kill to the first event a live
   * instance applied, once every event is applied exactly once.
   */
  async function killTheOwner(respawnAfterMs?: number): Promise<number> {
    const codec = new AvroCodec(bed.schemaRegistryUrl, bed.catalog);
    const group = `failover-${bed.namespace.replaceAll('.', '-')}`;
    instances.push(startInstance(bed, group), startInstance(bed, group));
    const respawn = respawnAfterMs === undefined ? undefined : startInstance(bed, group, true);
    await Promise.all(instances.map((instance) => instance.fetching));

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
    if (respawn) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + (respawnAfterMs ?? 0) - Date.now())));
      respawn.child.stdin!.write('start\n');
      instances.push(respawn);
      await respawn.fetching;
      process.stdout.write(`      the respawned instance took part in the group ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`);
    }
    const live = instances.filter((instance) => instance !== owner);
    const appliedSinceKill = () => live.flatMap((instance) => [...instance.applied.values()]);
    await eventually(async () => appliedSinceKill().length, (size) => size >= 20, 40_000);
    streaming = false;
    await stream;

    const effects = () => new PgExecutor(bed.pool).query<{ amount: number }>('select count(*)::int as amount from test_effects');
    const [count] = await eventually(effects, ([row]) => row!.amount >= produced, 30_000);
    expect(count!.amount, 'every event applied, none twice').to.equal(produced);
    const [distinct] = await new PgExecutor(bed.pool).query<{ events: number }>('select count(distinct event_id)::int as events from test_effects');
    expect(distinct!.events).to.equal(produced);
    return (Math.min(...appliedSinceKill()) - killedAt) / 1000;
  }

  it("has the survivor consume a SIGKILLed instance's partition within 15 s, each event applied once", async () => {
    const failoverSeconds = await killTheOwner();
    process.stdout.write(`      consumer failover: ${failoverSeconds.toFixed(1)} s from SIGKILL to the survivor's first applied event\n`);
    expect(failoverSeconds).to.be.below(15);
  });

  // As a supervisor does: the respawned instance joins 0.5 s after the kill, while the dead member's session is still
  // open, starting a rebalance in which the dead member never rejoins.
  it('consumes it again within 15 s when the killed instance rejoins at once, each event applied once', async () => {
    const failoverSeconds = await killTheOwner(500);
    process.stdout.write(`      consumer failover with a rejoin after 0.5 s: ${failoverSeconds.toFixed(1)} s from SIGKILL to the first applied event\n`);
    expect(failoverSeconds).to.be.below(15);
  });
});
