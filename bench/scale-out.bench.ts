/**
 * scale-out: credit reserve+capture pairs/s over gRPC against 1 and then 2 credit service processes (own ports, one
 * database), on one hot account and spread over 1,000 accounts; each call goes to the next instance in turn, as a
 * round-robin balancer would send it. Per phase it prints where the CPU went (services, PostgreSQL, this client, the
 * rest of the machine) and the database's share per pair: WAL bytes, connections, backends waiting on a row lock.
 * Then what the ledger costs on disk: the bytes per pair the runs wrote, and the size of a million bulk-inserted
 * ledger entries with the credit schema. Last, signed webhooks accepted/s by 1 and then 2 payment processes, measured
 * the same way — the figures docs/scaling.md's 10×/100× plan rests on. The last line gives the 2-vs-1 ratios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dropDatabase, databaseUrlFor, ensureDatabase, loadProto } from '@billing/platform';
import { freePort, startStripeTestServer, uniqueName } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { buildServices } from '../scripts/build-services';
import { bundleOf, serviceNodeFlags } from '../scripts/service-ports';
import { drive } from './credit-load';
import { cpuMsPerOperation, cpuSnapshot } from './machine-cpu';
import { seedCreditAccounts } from './seed-credit-accounts';
import { percentile, round } from './stats';
import { load as webhookLoad, seed } from './webhooks.bench';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const poolSize = Number(process.env.BENCH_POOL ?? 16);
const ledgerRows = Number(process.env.BENCH_LEDGER_ROWS ?? 1_000_000);
/** Webhooks: request loops in all (split over the instances) and seeded payments per phase. */
const webhookConcurrency = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 32);
const webhookPayments = Number(process.env.BENCH_WEBHOOK_PAYMENTS ?? 20_000);
const accounts = 1000;
const token = `bench-${randomUUID()}`;
const runId = `scale-${randomUUID().slice(0, 8)}`;

interface Instance {
  process: ChildProcess;
  httpUrl: string;
  grpcPort: number;
  stop(): Promise<void>;
}

/**
 * A service process from its bundle with its production node flags. All instances of a run share one SERVICE_INSTANCE:
 * consumer groups of their own on the shared broker (one group with N members), starting at the latest offsets.
 */
async function startInstance(service: 'credit' | 'payment', database: string, env: NodeJS.ProcessEnv = {}): Promise<Instance> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [...serviceNodeFlags(service), bundleOf(service)], {
    env: {
      ...process.env,
      ...env,
      DATABASE_NAME: database,
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      SERVICE_TOKENS: `bench:${token}`,
      SERVICE_INSTANCE: runId,
      CONSUME_FROM: 'latest',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  for (let ready = false; !ready; ) {
    if (child.exitCode !== null) throw new Error(`${service} instance exited with ${child.exitCode}`);
    ready = await fetch(`${httpUrl}/readyz`).then((response) => response.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { process: child, httpUrl, grpcPort, stop };
}

/** A gRPC client over the instances, two channels each, that sends every call to the next channel in turn. */
function roundRobinClient(instances: readonly Instance[]) {
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const channels = instances.flatMap((instance) =>
    Array.from({ length: 2 }, () => new proto.billing.credit.v1.CreditService(`127.0.0.1:${instance.grpcPort}`, grpc.credentials.createInsecure())),
  );
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  let next = 0;
  // Channels alternate between instances (a0, b0, a1, b1 …) so consecutive calls land on different instances.
  const ordered = Array.from({ length: channels.length }, (_, index) => channels[(index % instances.length) * 2 + Math.floor(index / instances.length)]);
  const call = <T>(method: string, request: object) =>
    new Promise<T>((resolve, reject) => ordered[next++ % ordered.length][method](request, metadata, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
  return {
    async pair(customerId: string) {
      const reservation = await call<{ reservationId: string }>('Reserve', { customerId, amount: 1, ttlSeconds: 60, idempotencyKey: randomUUID() });
      await call('Capture', { reservationId: reservation.reservationId, amount: 1, idempotencyKey: randomUUID() });
    },
    close: () => channels.forEach((channel) => channel.close()),
  };
}

/** What the database shows during a phase, sampled every 100 ms from pg_stat_activity of the benchmark's database. */
function activitySampler(monitor: pg.Client, database: string) {
  const samples: { connections: number; lockWaiting: number }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const { rows } = await monitor.query<{ connections: number; lock_waiting: number }>(
        `select count(*)::int as connections, count(*) filter (where wait_event_type = 'Lock')::int as lock_waiting
         from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [database],
      );
      samples.push({ connections: rows[0]!.connections, lockWaiting: rows[0]!.lock_waiting });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const summary = () => {
    const lockWaiting = samples.map((sample) => sample.lockWaiting);
    return {
      connections: Math.max(...samples.map((sample) => sample.connections)),
      lockWaitingAvg: round(lockWaiting.reduce((sum, n) => sum + n, 0) / samples.length, 1),
      lockWaitingShare: round(lockWaiting.filter((n) => n > 0).length / samples.length, 2),
    };
  };
  return {
    stop: async () => {
      running = false;
      await done;
    },
    summary,
  };
}

/**
 * Where the WAL stands, holding it from here on by a temporary replication slot (walBytesSince drops it): under other
 * runs' writes a checkpoint may otherwise recycle the phase's first segments before they are read back.
 */
async function walLsn(monitor: pg.Client): Promise<string> {
  await monitor.query(`select pg_create_physical_replication_slot('${runId.replaceAll('-', '_')}', true, true)`);
  return (await monitor.query<{ lsn: string }>('select pg_current_wal_flush_lsn()::text as lsn')).rows[0]!.lsn;
}

/**
 * WAL written since `from`: in all (the server is shared with other test runs) and by records touching this database's
 * relations (pg_walinspect reads the records back; a commit record names no relation and is left out, ~40 bytes), and
 * how much of the latter is full-page images (the first change to a page after a checkpoint writes the whole page).
 */
async function walBytesSince(monitor: pg.Client, from: string): Promise<{ server: number; database: number; fullPages: number }> {
  const { rows } = await monitor.query<{ server: string; database: string; full_pages: string }>(
    `with records as (
       select record_length, fpi_length, block_ref like '% rel %/' || (select oid from pg_database where datname = current_database()) || '/%' as ours
       from pg_get_wal_records_info($1, pg_current_wal_flush_lsn()))
     select coalesce(sum(record_length), 0) as server, coalesce(sum(record_length) filter (where ours), 0) as database,
            coalesce(sum(fpi_length) filter (where ours), 0) as full_pages
     from records`,
    [from],
  );
  await monitor.query(`select pg_drop_replication_slot('${runId.replaceAll('-', '_')}')`);
  return { server: Number(rows[0]!.server), database: Number(rows[0]!.database), fullPages: Number(rows[0]!.full_pages) };
}

/**
 * Runs `body` (the load) while measuring the instances and their database: CPU per operation, WAL per operation,
 * connections and row-lock waits. `body` answers how many operations the CPU and WAL figures are divided by.
 */
async function measure<T extends { operations: number }>(instances: readonly Instance[], monitor: pg.Client, database: string, body: () => Promise<T>) {
  const backendsNow = async () =>
    (await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database])).rows.map((row) => row.pid);
  const servicePids = instances.map((instance) => instance.process.pid!);
  const backends = await backendsNow();
  const [cpuBefore, lsnBefore] = [cpuSnapshot(servicePids, backends), await walLsn(monitor)];
  const stopSampling = activitySampler(monitor, database);
  const result = await body().finally(() => stopSampling.stop());
  const activity = stopSampling.summary();
  const cpuAfter = cpuSnapshot(servicePids, [...new Set([...backends, ...(await backendsNow())])]);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the relay marks the last events published
  const wal = await walBytesSince(monitor, lsnBefore);
  return {
    ...result,
    cpuMs: cpuMsPerOperation(cpuBefore, cpuAfter, result.operations),
    walBytes: { server: round(wal.server / result.operations), database: round(wal.database / result.operations), fullPageShare: round(wal.fullPages / Math.max(1, wal.database), 2) },
    ...activity,
  };
}

async function creditPhase(instances: readonly Instance[], customerOf: () => string, monitor: pg.Client, database: string) {
  const client = roundRobinClient(instances);
  const operation = () => client.pair(customerOf());
  const warmup = await drive(operation, warmupSeconds);
  const result = await measure(instances, monitor, database, async () => {
    const measured = await drive(operation, seconds);
    return { ...measured, operations: measured.latencies.length };
  });
  client.close();
  return { ...result, allPairs: result.operations + warmup.latencies.length };
}

type Measured = Awaited<ReturnType<typeof measure<{ operations: number; perSecond: number; latencies: number[] }>>>;

/** One line per phase: throughput, latency, CPU split and the database's share, per operation. */
function phaseLine(name: string, unit: string, result: Measured): string {
  const cpu = result.cpuMs;
  return (
    `${name}: ${round(result.perSecond)} ${unit}/s p50=${round(percentile(result.latencies, 50), 1)}ms p99=${round(percentile(result.latencies, 99), 1)}ms ` +
    `cpu_ms_per_op services=${cpu.services} postgres_db=${cpu.postgresDatabase} client=${cpu.client} rest_of_machine=${cpu.rest} idle_share=${cpu.idleShare} ` +
    `wal_bytes_per_op db=${result.walBytes.database} server=${result.walBytes.server} wal_full_page_share=${result.walBytes.fullPageShare} max_connections_seen=${result.connections} ` +
    `lock_waiting_avg=${result.lockWaitingAvg} lock_waiting_share=${result.lockWaitingShare}`
  );
}

/** CPU ms per second the instances spend without load: fixed costs, which weigh per pair when throughput is low. */
async function restingCpu(instances: readonly Instance[]): Promise<number> {
  const pids = instances.map((instance) => instance.process.pid!);
  const before = cpuSnapshot(pids, []);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return round(((cpuSnapshot(pids, []).services - before.services) * 1000) / 3, 1);
}

/** Bytes on disk (table, indexes, TOAST) and rows of each table a pair writes, after the runs. */
async function tableBytes(pool: pg.Client) {
  const sizes: Record<string, { bytes: number; rows: number }> = {};
  for (const table of ['credit_ledger', 'credit_reservations', 'outbox']) {
    const { rows } = await pool.query<{ bytes: string; count: string }>(`select pg_total_relation_size('${table}') as bytes, (select count(*) from ${table}) as count`);
    sizes[table] = { bytes: Number(rows[0]!.bytes), rows: Number(rows[0]!.count) };
  }
  return sizes;
}

/**
 * A million ledger entries as the hot path writes them (reserve/capture pairs of 1 credit over the seeded accounts),
 * inserted in one statement; the table's growth in MB, indexes included, per million entries.
 */
async function ledgerMbPerMillion(pool: pg.Client): Promise<number> {
  await pool.query('vacuum analyze credit_ledger');
  const before = Number((await pool.query<{ bytes: string }>(`select pg_total_relation_size('credit_ledger') as bytes`)).rows[0]!.bytes);
  await pool.query(
    `insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at)
     select gen_random_uuid(), g.account_id, 1000000000 + n, case when n % 2 = 0 then 'reserve' else 'capture' end, g.grant_id,
            gen_random_uuid(), 1, case when n % 2 = 0 then 0 else -1 end, case when n % 2 = 0 then 1 else -1 end, now()
     from generate_series(1, $1::int) n
     join (select account_id, grant_id, row_number() over () - 1 as slot from credit_grants) g on g.slot = n % (select count(*) from credit_grants)`,
    [ledgerRows],
  );
  const after = Number((await pool.query<{ bytes: string }>(`select pg_total_relation_size('credit_ledger') as bytes`)).rows[0]!.bytes);
  return round(((after - before) / 1024 / 1024) * (1_000_000 / ledgerRows), 1);
}

/** Credit: hot and spread phases at 1 and then 2 instances; then the disk the runs wrote and the ledger per million entries. */
async function creditScaleOut({ database, databaseUrl, monitor }: BenchDatabase): Promise<string[]> {
  const instances: Instance[] = [];
  const start = async () => instances.push(await startInstance('credit', database, { CREDIT_DB_POOL: String(poolSize) }));
  try {
    // One after the other: each runs the migrations at start, and the second finds them done.
    await start();
    const customers = Array.from({ length: accounts + 1 }, () => `bench-${randomUUID()}`);
    await seedCreditAccounts(databaseUrl, customers);
    const seeded = await tableBytes(monitor);
    const hotCustomer = () => customers[accounts]!;
    const spreadCustomer = () => customers[Math.floor(Math.random() * accounts)]!;
    const results: Record<string, Awaited<ReturnType<typeof creditPhase>>> = {};
    const restingMsPerSecond: number[] = [];
    for (const n of [1, 2]) {
      if (instances.length < n) await start();
      restingMsPerSecond.push(await restingCpu(instances));
      results[`credit_hot_${n}`] = await creditPhase(instances, hotCustomer, monitor, database);
      results[`credit_spread_${n}`] = await creditPhase(instances, spreadCustomer, monitor, database);
    }
    const pairs = Object.values(results).reduce((sum, result) => sum + result.allPairs, 0);
    await Promise.all(instances.map((instance) => instance.stop()));

    const tables = await tableBytes(monitor);
    const ledgerMb = await ledgerMbPerMillion(monitor);
    const perPair = (table: string) => round((tables[table]!.bytes - seeded[table]!.bytes) / pairs);
    const rowsPerPair = (table: string) => round((tables[table]!.rows - seeded[table]!.rows) / pairs, 2);
    const ratio = (a: string, b: string) => round(results[a]!.perSecond / results[b]!.perSecond, 2);
    return [
      ...Object.entries(results).map(([name, result]) => phaseLine(name, 'pairs', result)),
      `credit disk after ${pairs} pairs: bytes_per_pair ledger=${perPair('credit_ledger')} reservations=${perPair('credit_reservations')} outbox=${perPair('outbox')} ` +
        `rows_per_pair ledger=${rowsPerPair('credit_ledger')} reservations=${rowsPerPair('credit_reservations')} outbox=${rowsPerPair('outbox')} ledger_mb_per_million_entries=${ledgerMb}`,
      `credit services at rest (relay polls, consumer fetches, heartbeats): ${restingMsPerSecond.map((ms, i) => `${i + 1}_instances=${ms}`).join(' ')} cpu_ms_per_s`,
      `credit_hot_2_vs_1=${ratio('credit_hot_2', 'credit_hot_1')} credit_spread_2_vs_1=${ratio('credit_spread_2', 'credit_spread_1')} ` +
        Object.entries(results).map(([name, result]) => `${name}_pairs_s=${round(result.perSecond)}`).join(' '),
    ];
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}

/**
 * Payment: signed webhooks accepted/s at 1 and then 2 payment processes on one database (bench/webhooks.bench.ts's
 * load generator and seed; at 2, two generators of half the loops each, one per instance).
 */
async function webhooksScaleOut({ database, databaseUrl, monitor }: BenchDatabase): Promise<string[]> {
  const stripe = await startStripeTestServer();
  const secret = `whsec_${randomUUID().replaceAll('-', '')}`;
  const env = {
    STRIPE_SECRET_KEY: stripe.apiKey,
    STRIPE_WEBHOOK_SECRET: secret,
    STRIPE_API_HOST: stripe.clientOptions.host,
    STRIPE_API_PORT: String(stripe.clientOptions.port),
    STRIPE_API_PROTOCOL: stripe.clientOptions.protocol,
  };
  const instances: Instance[] = [];
  try {
    instances.push(await startInstance('payment', database, env));
    const seedPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await seed(seedPool, runId, 0, webhookPayments * 2);
    await seedPool.end();
    const results: Record<string, Measured> = {};
    for (const n of [1, 2]) {
      if (instances.length < n) instances.push(await startInstance('payment', database, env));
      results[`webhooks_${n}`] = await measure(instances, monitor, database, async () => {
        // Each generator signs events for its own range of the seeded payments: phase n, generator i.
        const runs = await Promise.all(
          instances.map((instance, i) =>
            webhookLoad({
              url: `${instance.httpUrl}/v1/webhooks/stripe`,
              secret,
              prefix: runId,
              intentOffset: webhookPayments * (n - 1) + (webhookPayments / 2) * i,
              mode: { concurrency: webhookConcurrency / n, warmupSeconds, seconds },
            }),
          ),
        );
        const failed = runs.reduce((sum, run) => sum + run.failed, 0);
        if (failed > 0) throw new Error(`the payment service refused ${failed} webhooks: ${JSON.stringify(runs.map((run) => run.statuses))}`);
        const latencies = runs.flatMap((run) => run.latenciesMs);
        return { latencies, perSecond: latencies.length / seconds, operations: runs.reduce((sum, run) => sum + run.requests, 0) };
      });
    }
    return [
      ...Object.entries(results).map(([name, result]) => phaseLine(name, 'accepted', result)),
      `webhooks_2_vs_1=${round(results.webhooks_2!.perSecond / results.webhooks_1!.perSecond, 2)} webhooks_1_s=${round(results.webhooks_1!.perSecond)} webhooks_2_s=${round(results.webhooks_2!.perSecond)}`,
    ];
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await stripe.close();
  }
}

interface BenchDatabase {
  database: string;
  databaseUrl: string;
  /** A connection of the benchmark's own, with WAL inspection enabled. */
  monitor: pg.Client;
}

/** A fresh database for one part of the run, dropped afterwards. */
async function withBenchDatabase<T>(serverUrl: string, prefix: string, work: (bench: BenchDatabase) => Promise<T>): Promise<T> {
  const database = uniqueName(prefix);
  await ensureDatabase(serverUrl, database);
  const databaseUrl = databaseUrlFor(serverUrl, database);
  const monitor = new pg.Client({ connectionString: databaseUrl });
  await monitor.connect();
  try {
    await monitor.query('create extension if not exists pg_walinspect');
    return await work({ database, databaseUrl, monitor });
  } finally {
    await monitor.end();
    await dropDatabase(serverUrl, database);
  }
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  await buildServices(['credit', 'payment']);
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  const maxConnections = (await server.query<{ max_connections: string }>('show max_connections')).rows[0]!.max_connections;
  await server.end();
  console.log(`concurrency credit=${concurrency} webhooks=${webhookConcurrency} credit_pool=${poolSize} seconds=${seconds} warmup_seconds=${warmupSeconds} accounts=${accounts} postgres_max_connections=${maxConnections}`);
  // Printed as each part ends: a later part that fails (the shared server out of connections) leaves the earlier figures.
  const credit = await withBenchDatabase(serverUrl, 'bench_scale', creditScaleOut);
  credit.forEach((line) => console.log(line));
  const webhooks = process.env.BENCH_SKIP_WEBHOOKS ? [] : await withBenchDatabase(serverUrl, 'bench_scale_payment', webhooksScaleOut);
  webhooks.forEach((line) => console.log(line));
  console.log(`scale-out ${[...credit, ...webhooks].filter((line) => /_2_vs_1=/.test(line)).join(' ')}`);
}
