/**
 * credit-reserve: reserve+capture pairs/s through gRPC against the credit service running as its own process, on one
 * hot account and spread over 1,000 accounts, against a raw baseline through a pg pool of the same size in the same
 * run: single-statement `UPDATE … RETURNING` transactions/s on one row and on 1,000 rows. For context, the same load
 * against a CreditService that does no work (bench/grpc-noop-server.ts): what gRPC alone leaves to any implementation.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dropDatabase, databaseUrlFor, ensureDatabase, loadProto } from '@billing/platform';
import { freePort, uniqueName } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { buildServices } from '../scripts/build-services';
import { bundleOf, serviceNodeFlags } from '../scripts/service-ports';
import { seedCreditAccounts } from './seed-credit-accounts';
import { percentile, processCpuSeconds, round } from './stats';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Unmeasured load before each measured phase, so V8 has compiled the hot code and sized its heap. */
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const poolSize = Number(process.env.BENCH_POOL ?? 16);
const accounts = 1000;
const token = `bench-${randomUUID()}`;


/** CPU seconds used so far by the credit service, by every PostgreSQL process and by this load generator. */
function cpuSeconds(servicePid: number | undefined) {
  const postgres = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const own = process.cpuUsage();
  return { service: servicePid ? processCpuSeconds(servicePid) : 0, postgres, client: (own.user + own.system) / 1e6 };
}

/**
 * Runs `operation` from `concurrency` loops for the warm-up and then the measured duration; returns operations/s,
 * latencies in ms and the CPU ms per operation of the service, PostgreSQL and this client, all of the latter.
 */
async function load(operation: (worker: number) => Promise<void>, servicePid?: number) {
  await drive(operation, warmupSeconds);
  const before = cpuSeconds(servicePid);
  const measured = await drive(operation, seconds);
  const after = cpuSeconds(servicePid);
  const operations = measured.latencies.length;
  const perOperation = (key: keyof typeof before) => round(((after[key] - before[key]) * 1000) / operations, 2);
  return { ...measured, cpuMs: { service: perOperation('service'), postgres: perOperation('postgres'), client: perOperation('client') } };
}

async function drive(operation: (worker: number) => Promise<void>, duration: number): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const deadline = performance.now() + duration * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const begin = performance.now();
        await operation(worker);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies };
}

async function rawBaseline(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  await pool.query('create table bench_raw (id int primary key, n bigint not null)');
  await pool.query('insert into bench_raw select g, 0 from generate_series(1, $1) g', [accounts]);
  const update = (id: number) => pool.query('update bench_raw set n = n + 1 where id = $1 returning n', [id]).then(() => undefined);
  const hot = await load(() => update(1));
  const spread = await load(() => update(1 + Math.floor(Math.random() * accounts)));
  await pool.end();
  return { hot: hot.perSecond, spread: spread.perSecond };
}

/** Reserve (1 credit, a new idempotency key) + capture over gRPC, as a product service would call them; four channels. */
function pairClient(port: number) {
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const clients = Array.from({ length: 4 }, () => new proto.billing.credit.v1.CreditService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const call = <T>(worker: number, method: string, request: object) =>
    new Promise<T>((resolve, reject) => clients[worker % clients.length][method](request, metadata, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
  return {
    async pair(worker: number, customerId: string) {
      const reservation = await call<{ reservationId: string }>(worker, 'Reserve', { customerId, amount: 1, ttlSeconds: 60, idempotencyKey: randomUUID() });
      await call(worker, 'Capture', { reservationId: reservation.reservationId, amount: 1, idempotencyKey: randomUUID() });
    },
    close: () => clients.forEach((client) => client.close()),
  };
}

/** The same load against bench/grpc-noop-server.ts, a CreditService that does no work, run with the service's V8 flags. */
async function grpcFloor() {
  const server = spawn(process.execPath, [...serviceNodeFlags('credit'), '--import', 'tsx', 'bench/grpc-noop-server.ts'], {
    env: { ...process.env, SERVICE_TOKENS: `bench:${token}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
      server.once('exit', (code) => reject(new Error(`grpc-noop-server exited with ${code}`)));
    });
    const noop = pairClient(port);
    const result = await load((worker) => noop.pair(worker, 'noop'), server.pid);
    noop.close();
    return result;
  } finally {
    server.kill('SIGTERM');
  }
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = uniqueName('bench_credit');
  await ensureDatabase(serverUrl, database);
  await buildServices(['credit']);
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  // Extra node arguments (a profiler, another V8 flag) go after the service's own flags: V8 takes the last of a flag.
  const extraNodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const service = spawn(process.execPath, [...serviceNodeFlags('credit'), ...extraNodeArgs, bundleOf('credit')], {
    env: { ...process.env, DATABASE_NAME: database, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), SERVICE_TOKENS: `bench:${token}`, CREDIT_DB_POOL: String(poolSize), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stopService = () => new Promise((resolve) => (service.exitCode !== null ? resolve(undefined) : (service.once('exit', resolve), service.kill('SIGTERM'))));
  try {
    const base = `http://127.0.0.1:${httpPort}`;
    for (let ready = false; !ready; ) {
      ready = await fetch(`${base}/readyz`).then((response) => response.ok, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const customers = Array.from({ length: accounts + 1 }, () => `bench-${randomUUID()}`);
    await seedCreditAccounts(databaseUrlFor(serverUrl, database), customers);
    const credit = pairClient(grpcPort);
    const hot = await load((worker) => credit.pair(worker, customers[accounts]!), service.pid);
    const spread = await load((worker) => credit.pair(worker, customers[Math.floor(Math.random() * accounts)]!), service.pid);
    credit.close();
    const floor = await grpcFloor();

    const raw = await rawBaseline(databaseUrlFor(serverUrl, database));
    console.log(`concurrency=${concurrency} pool=${poolSize} seconds=${seconds} warmup_seconds=${warmupSeconds} raw_hot_tx_s=${round(raw.hot)} raw_spread_tx_s=${round(raw.spread)}`);
    const latency = (latencies: number[]) => `p50=${round(percentile(latencies, 50), 1)}ms p99=${round(percentile(latencies, 99), 1)}ms`;
    for (const [name, phase] of [['hot', hot], ['spread', spread]] as const) {
      const { service: serviceCpu, postgres, client } = phase.cpuMs;
      console.log(`${name}: ${round(phase.perSecond)} pairs/s ${latency(phase.latencies)} cpu_ms_per_pair service=${serviceCpu} postgres=${postgres} client=${client}`);
    }
    console.log(`grpc_noop: ${round(floor.perSecond)} pairs/s ${latency(floor.latencies)} cpu_ms_per_pair server=${floor.cpuMs.service} client=${floor.cpuMs.client}`);
    // What a pair costs in gRPC alone: the best any service behind this API could do here, as ratios of the same baseline.
    console.log(`grpc_noop_ceiling hot_ratio=${round(floor.perSecond / raw.hot, 2)} spread_ratio=${round(floor.perSecond / raw.spread, 2)}`);
    console.log(
      `credit-reserve hot_ratio=${round(hot.perSecond / raw.hot, 2)} spread_ratio=${round(spread.perSecond / raw.spread, 2)} hot_pairs_s=${round(hot.perSecond)} spread_pairs_s=${round(spread.perSecond)} hot_p99_ms=${round(percentile(hot.latencies, 99), 1)}`,
    );
  } finally {
    await stopService();
    await dropDatabase(serverUrl, database);
  }
}
