/**
 * What credit-reserve and credit-scale share: the credit service and the no-op CreditService as processes of their
 * own, one gRPC load generator for both, and the CPU and memory of each process read from /proc.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadProto } from '@billing/platform';
import { freePort } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { buildServices } from '../scripts/build-services';
import { bundleOf, serviceNodeFlags } from '../scripts/service-ports';
import { percentile, processCpuSeconds, round } from './stats';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Unmeasured load before each measured phase, so V8 has compiled the hot code and sized its heap. */
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
export const poolSize = Number(process.env.BENCH_POOL ?? 16);
export const benchSettings = `concurrency=${concurrency} pool=${poolSize} seconds=${seconds} warmup_seconds=${warmupSeconds}`;
const token = `bench-${randomUUID()}`;

/** A process's resident memory now and its peak so far (VmHWM), in MB. */
export function rssMb(pid: number | undefined): { now: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { now: 0, peak: 0 };
  }
}

/** CPU seconds used so far by the measured server, by every PostgreSQL process and by this load generator. */
function cpuSeconds(serverPid: number | undefined) {
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
  return { service: serverPid ? processCpuSeconds(serverPid) : 0, postgres, client: (own.user + own.system) / 1e6 };
}

export interface Phase {
  perSecond: number;
  latencies: number[];
  cpuMs: { service: number; postgres: number; client: number };
}

/** What one measured stretch of load did: operations, seconds, latencies and CPU seconds used meanwhile. */
interface Stretch {
  operations: number;
  seconds: number;
  latencies: number[];
  cpu: { service: number; postgres: number; client: number };
}

async function stretch(operation: (worker: number) => Promise<void>, serverPid: number | undefined, duration: number): Promise<Stretch> {
  const before = cpuSeconds(serverPid);
  const measured = await drive(operation, duration);
  const after = cpuSeconds(serverPid);
  return {
    operations: measured.latencies.length,
    seconds: measured.latencies.length / measured.perSecond,
    latencies: measured.latencies,
    cpu: { service: after.service - before.service, postgres: after.postgres - before.postgres, client: after.client - before.client },
  };
}

/** Operations/s, latencies in ms and CPU ms per operation (server, all of PostgreSQL, this client) over stretches. */
function phaseOf(stretches: Stretch[]): Phase {
  const operations = stretches.reduce((sum, part) => sum + part.operations, 0);
  const secondsTotal = stretches.reduce((sum, part) => sum + part.seconds, 0);
  const perOperation = (key: keyof Stretch['cpu']) => round((stretches.reduce((sum, part) => sum + part.cpu[key], 0) * 1000) / operations, 2);
  return {
    perSecond: operations / secondsTotal,
    latencies: stretches.flatMap((part) => part.latencies),
    cpuMs: { service: perOperation('service'), postgres: perOperation('postgres'), client: perOperation('client') },
  };
}

/** Runs `operation` from `concurrency` loops for the warm-up and then the measured duration. */
export async function load(operation: (worker: number) => Promise<void>, serverPid?: number): Promise<Phase> {
  await drive(operation, warmupSeconds);
  return phaseOf([await stretch(operation, serverPid, seconds)]);
}

/**
 * Two loads measured in turns — `rounds` stretches of each, alternating, after a warm-up of each — so that both see
 * the same machine: on a shared machine whose load moves by several times within a minute, two phases measured one
 * after the other compare the moments more than the servers.
 */
export async function loadInTurns(
  first: { operation: (worker: number) => Promise<void>; pid: number | undefined },
  second: { operation: (worker: number) => Promise<void>; pid: number | undefined },
  rounds = Number(process.env.BENCH_ROUNDS ?? 4),
): Promise<[Phase, Phase]> {
  await drive(first.operation, warmupSeconds);
  await drive(second.operation, warmupSeconds);
  const firstStretches: Stretch[] = [];
  const secondStretches: Stretch[] = [];
  for (let round = 0; round < rounds; round += 1) {
    firstStretches.push(await stretch(first.operation, first.pid, seconds / rounds));
    secondStretches.push(await stretch(second.operation, second.pid, seconds / rounds));
  }
  return [phaseOf(firstStretches), phaseOf(secondStretches)];
}

/** `concurrency` loops running `operation` back to back for `duration` seconds (the scale-out bench drives its load with it too). */
export async function drive(operation: (worker: number) => Promise<void>, duration: number): Promise<{ perSecond: number; latencies: number[] }> {
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

export const latency = (latencies: number[]) => `p50=${round(percentile(latencies, 50), 1)}ms p99=${round(percentile(latencies, 99), 1)}ms`;

/** Reserve (1 credit, a new idempotency key) + capture over gRPC, as a product service would call them; four channels. */
export function creditClient(port: number) {
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
    async balance(worker: number, customerId: string) {
      await call(worker, 'GetBalance', { customerId });
    },
    close: () => clients.forEach((client) => client.close()),
  };
}

/**
 * bench/grpc-noop-server.ts, a CreditService that does no work, run with the credit service's V8 flags: the same
 * reserve+capture load against it is the ceiling for any implementation behind this API.
 */
export async function startNoopServer() {
  const server = spawn(process.execPath, [...serviceNodeFlags('credit'), '--import', 'tsx', 'bench/grpc-noop-server.ts'], {
    env: { ...process.env, SERVICE_TOKENS: `bench:${token}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
    server.once('exit', (code) => reject(new Error(`grpc-noop-server exited with ${code}`)));
  });
  const client = creditClient(port);
  return {
    pid: server.pid!,
    pair: (worker: number) => client.pair(worker, 'noop'),
    stop: () => (client.close(), server.kill('SIGTERM')),
  };
}

/**
 * The credit service as its own process on `database` (its bundle, its production node flags, then
 * BENCH_SERVICE_NODE_ARGS: V8 takes the last of a flag, so a profiler or another flag can be added), once ready.
 */
export async function startCreditService(database: string) {
  await buildServices(['credit']);
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const extraNodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const service = spawn(process.execPath, [...serviceNodeFlags('credit'), ...extraNodeArgs, bundleOf('credit')], {
    env: { ...process.env, DATABASE_NAME: database, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), SERVICE_TOKENS: `bench:${token}`, CREDIT_DB_POOL: String(poolSize), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () => new Promise((resolve) => (service.exitCode !== null ? resolve(undefined) : (service.once('exit', resolve), service.kill('SIGTERM'))));
  try {
    for (let ready = false; !ready; ) {
      if (service.exitCode !== null) throw new Error(`the credit service exited with ${service.exitCode}`);
      ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then((response) => response.ok, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: service.pid!, grpcPort, stop };
}
