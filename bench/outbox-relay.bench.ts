/**
 * outbox-relay: events/s through the relay (outbox rows → Avro → Kafka → marked published) against raw kafkajs
 * producer msgs/s for the same Avro payload and batch size, plus insert → consumer-commit latency at a fixed rate.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { AvroCodec, InboxConsumer, OutboxRelay, PgExecutor, PgUnitOfWork, SchemaCatalog, appendToOutbox, dropDatabase, migrateDatabase, MessagingMetrics, MessagingTablesMigration, databaseUrlFor, ensureTopics, silentLogger, type OutboxMessage, type OutboxRelayOptions, type SqlExecutor, type UnitOfWork } from '@billing/platform';
import { uniqueName } from '@billing/testkit';
import { type CpuSnapshot, cpuMsPerOperation, cpuSnapshot } from './machine-cpu';
import { peakRssMb, percentile, round } from './stats';

const events = Number(process.env.BENCH_EVENTS ?? 50_000);
const batchSize = 500;
const latencyRate = Number(process.env.BENCH_RATE ?? 200);
const latencySeconds = Number(process.env.BENCH_SECONDS ?? 10);
const workers = Number(process.env.BENCH_WORKERS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const schema = (namespace: string) => ({
  type: 'record' as const,
  name: 'CreditsGranted',
  namespace,
  fields: [
    { name: 'accountId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'grantId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'sourceId', type: 'string' },
    { name: 'sentAtMs', type: 'long' },
  ],
});

const payload = (key: string) => ({ accountId: key, customerId: randomUUID(), grantId: randomUUID(), amount: 1000, sourceId: randomUUID(), sentAtMs: Date.now() });

const message = (key: string): OutboxMessage => ({
  eventId: randomUUID(),
  eventType: 'CreditsGranted',
  aggregateType: 'CreditAccount',
  aggregateId: key,
  payload: payload(key),
  context: { correlationId: randomUUID() },
  occurredAt: new Date(),
});

/** What the relay's kafkaHeaders() gives for a row of message(): no causation, traceparent or actor. */
const rawHeaders = (): Record<string, string> => ({
  'event-id': randomUUID(),
  'event-type': 'CreditsGranted',
  'occurred-at': new Date().toISOString(),
  'correlation-id': randomUUID(),
});

/** The backends connected to the benchmark's database right now (the relay's, the bench pool's). */
async function databaseBackends(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((row) => row.pid);
}

type CpuPerEvent = ReturnType<typeof cpuMsPerOperation>;

async function countUnpublished(pool: pg.Pool): Promise<number> {
  return (await pool.query<{ count: number }>('select count(*)::int as count from outbox where published_at is null')).rows[0]!.count;
}

/**
 * kafkajs producer msgs/s: the same Avro value, same batch size, same producer settings as the relay, no database, and
 * the same four headers the relay sends for the benchmark's rows (event id, type, time, correlation id): kafkajs encodes
 * each header into a buffer of its own, so a raw producer sending fewer would be measured doing less work.
 */
async function rawProducerEps(kafka: Kafka, topic: string, keys: readonly string[], value: Buffer): Promise<{ eps: number; cpu: CpuPerEvent }> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const cpuBefore = cpuSnapshot([], []);
  const started = performance.now();
  for (let sent = 0; sent < events; sent += batchSize) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: batchSize }, (_, index) => ({ key: keys[(sent + index) % keys.length]!, value, headers: rawHeaders() })),
    });
  }
  const eps = events / ((performance.now() - started) / 1000);
  const cpu = cpuMsPerOperation(cpuBefore, cpuSnapshot([], []), events / 1000);
  await producer.disconnect();
  return { eps, cpu };
}

/**
 * `events` rows committed in one transaction, built 5,000 at a time: the bench holding all of them while the relay drains
 * would make every major GC of the relay, which runs in this process, mark them.
 */
async function insertBacklog(pool: pg.Pool, keys: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const tx = new PgExecutor(client);
    for (let inserted = 0; inserted < events; inserted += 5000) {
      await appendToOutbox(tx, Array.from({ length: Math.min(5000, events - inserted) }, (_, index) => message(keys[(inserted + index) % keys.length]!)));
    }
    await client.query('commit');
  } finally {
    client.release();
  }
}

/**
 * Relay events/s: a connected, idle relay; the rows arrive in one committed transaction and the clock runs until every
 * row is marked published (i.e. acknowledged by Kafka).
 */
async function relayDrainEps(pool: pg.Pool, options: Omit<OutboxRelayOptions, 'metrics'>, keys: readonly string[]): Promise<{ eps: number; cpu: CpuPerEvent }> {
  const metrics = new MessagingMetrics();
  const drainingRelay = new OutboxRelay({ ...options, metrics });
  // Completion is read from the relay's own counter: polling the table would load the database being measured.
  const publishedSoFar = async () => (await metrics.published.get()).values.reduce((sum, value) => sum + value.value, 0);
  await drainingRelay.start();
  await insertBacklog(pool, keys);
  const backends = await databaseBackends(pool);
  const cpuBefore: CpuSnapshot = cpuSnapshot([], backends);
  const started = performance.now();
  while ((await publishedSoFar()) < events) await new Promise((resolve) => setTimeout(resolve, 5));
  const eps = events / ((performance.now() - started) / 1000);
  const cpu = cpuMsPerOperation(cpuBefore, cpuSnapshot([], [...new Set([...backends, ...(await databaseBackends(pool))])]), events / 1000);
  await drainingRelay.stop();
  const unpublished = await countUnpublished(pool);
  if (unpublished !== 0) throw new Error(`${unpublished} outbox rows were left unpublished`);
  return { eps, cpu };
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = uniqueName('bench_outbox');
  await migrateDatabase(serverUrl, database, [MessagingTablesMigration]);
  const databaseUrl = databaseUrlFor(serverUrl, database);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  pool.on('error', () => undefined);
  const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const namespace = `${uniqueName('bench')}.v1`;
  await ensureTopics(kafka, [namespace]);
  const codec = new AvroCodec(process.env.SCHEMA_REGISTRY_URL!, SchemaCatalog.of([schema(namespace)]));
  const keys = Array.from({ length: 100 }, (_, index) => `account-${index}`);

  // Latency first, on an empty outbox: one event per transaction at a fixed rate, measured until the consumer's transaction has committed.
  const latencies: number[] = [];
  let lastSentAt = 0;
  const timingUnitOfWork: UnitOfWork<SqlExecutor> = {
    async transaction(work) {
      const result = await new PgUnitOfWork(pool).transaction(work);
      if (lastSentAt) latencies.push(Date.now() - lastSentAt);
      lastSentAt = 0;
      return result;
    },
  };
  const consumer = new InboxConsumer({
    consumer: uniqueName('bench-consumer'),
    kafka,
    topics: [namespace],
    codec,
    unitOfWork: timingUnitOfWork,
    logger: silentLogger(),
    fromBeginning: false,
    handlers: { CreditsGranted: async (event) => void (lastSentAt = (event.payload as { sentAtMs: number }).sentAtMs) },
  });
  const relay = new OutboxRelay({ databaseUrl, kafka, codec, logger: silentLogger(), batchSize, pollIntervalMs: 50, workers });
  await relay.start();
  await consumer.start();
  await new Promise((resolve) => setTimeout(resolve, 3000)); // group join
  const total = latencyRate * latencySeconds;
  const startedAt = Date.now();
  for (let index = 0; index < total; index += 1) {
    const due = startedAt + (index * 1000) / latencyRate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    await new PgUnitOfWork(pool).transaction((tx) => appendToOutbox(tx, [message(keys[index % keys.length]!)]));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.stop();
  await relay.stop();

  // Three rounds of raw then relay, on the same machine minutes apart: the ratio printed last is their median, so one
  // round slowed by the other work on the machine does not decide it. Each round starts from an empty outbox.
  const value = (await codec.encode('CreditsGranted', payload('warm-up'))).value;
  const roundResults: { relayEps: number; rawEps: number }[] = [];
  for (let roundIndex = 1; roundIndex <= rounds; roundIndex += 1) {
    await pool.query('delete from outbox');
    await pool.query('vacuum outbox');
    const raw = await rawProducerEps(kafka, namespace, keys, value);
    const relay = await relayDrainEps(pool, { databaseUrl, kafka, codec, logger: silentLogger(), batchSize, pollIntervalMs: 1000, workers }, keys);
    const [rawEps, relayEps] = [raw.eps, relay.eps];
    roundResults.push({ relayEps, rawEps });
    console.log(`round ${roundIndex}: ratio=${round(relayEps / rawEps, 2)} relay_eps=${round(relayEps)} raw_eps=${round(rawEps)}`);
    // CPU ms per 1,000 events (from /proc): this process (relay or raw producer), the database's backends, the rest of the
    // machine (the broker, PostgreSQL's WAL writer, other work), and the machine's idle share during the phase.
    const cpuLine = (cpu: CpuPerEvent, database: boolean) =>
      `process=${cpu.client}${database ? ` postgres_db=${cpu.postgresDatabase}` : ''} rest=${cpu.rest} machine_idle=${cpu.idleShare}`;
    console.log(`  cpu_ms_per_1k_events relay: ${cpuLine(relay.cpu, true)}; raw: ${cpuLine(raw.cpu, false)}`);
  }
  await pool.end();
  await dropDatabase(serverUrl, database);

  const median = [...roundResults].sort((a, b) => a.relayEps / a.rawEps - b.relayEps / b.rawEps)[Math.floor(rounds / 2)]!;
  console.log(`events=${events} batch=${batchSize} rounds=${rounds} latency_rate=${latencyRate}/s for ${latencySeconds}s measured=${latencies.length}/${total}`);
  // The relay runs in this process (no service process here): its peak RSS is this process's.
  console.log(`peak_rss_mb bench_process=${peakRssMb(process.pid)}`);
  console.log(
    `outbox-relay ratio=${round(median.relayEps / median.rawEps, 2)} relay_eps=${round(median.relayEps)} raw_eps=${round(median.rawEps)} e2e_p50_ms=${round(percentile(latencies, 50), 1)} e2e_p99_ms=${round(percentile(latencies, 99), 1)}`,
  );
}
