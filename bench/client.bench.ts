/**
 * client: what `withCredits` of @billing/client costs over the two gRPC calls it makes, against the credit service
 * running as its own process. In the same run, alternating one for one so both see the same machine: `withCredits`
 * (reserve the estimate, run an empty work, capture part of it) and the same Reserve + Capture as two bare grpc-js
 * calls. Latencies from `BENCH_CONCURRENCY` loops over distinct accounts (no hot row); the last line compares p50s.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dropDatabase, databaseUrlFor, ensureDatabase, loadProto } from '@billing/platform';
import { freePort, uniqueName } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { createCreditClient } from '../packages/client/src/index';
import { buildServices } from '../scripts/build-services';
import { bundleOf, serviceNodeFlags } from '../scripts/service-ports';
import { seedCreditAccounts } from './seed-credit-accounts';
import { percentile, round } from './stats';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 500);
const warmup = Number(process.env.BENCH_WARMUP_ITERATIONS ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const token = `bench-${randomUUID()}`;

/** Reserve + Capture as two plain grpc-js calls with the same deadline and metadata the client sends. */
function bareClient(address: string) {
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const client = new proto.billing.credit.v1.CreditService(address, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: object) =>
    new Promise<T>((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      client[method](request, metadata, { deadline: Date.now() + 3_000 }, (error: Error | null, response: T) => (error ? reject(error) : resolve(response)));
    });
  return {
    async pair(customerId: string) {
      const reservation = await call<{ reservationId: string }>('Reserve', { customerId, amount: 10, ttlSeconds: 60, idempotencyKey: randomUUID() });
      await call('Capture', { reservationId: reservation.reservationId, amount: 4, idempotencyKey: randomUUID() });
    },
    close: () => client.close(),
  };
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = uniqueName('bench_client');
  await ensureDatabase(serverUrl, database);
  await buildServices(['credit']);
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const service = spawn(process.execPath, [...serviceNodeFlags('credit'), bundleOf('credit')], {
    // Its consumers start at the end of the shared topics under groups of their own: replaying other runs' history
    // would compete with the calls measured here.
    env: { ...process.env, SERVICE_INSTANCE: database, CONSUME_FROM: 'latest', DATABASE_NAME: database, HTTP_PORT: String(httpPort), GRPC_PORT: String(grpcPort), SERVICE_TOKENS: `bench:${token}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stopService = () => new Promise((resolve) => (service.exitCode !== null ? resolve(undefined) : (service.once('exit', resolve), service.kill('SIGTERM'))));
  const address = `127.0.0.1:${grpcPort}`;
  const credits = createCreditClient({ url: address, token });
  const bare = bareClient(address);
  try {
    const started = performance.now();
    for (let ready = false; !ready; ) {
      ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then((response) => response.ok, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const customers = Array.from({ length: concurrency }, () => `bench-${randomUUID()}`);
    await seedCreditAccounts(databaseUrlFor(serverUrl, database), customers);
    console.log(`credit ready in ${round((performance.now() - started) / 1000, 1)}s`);
    const withCreditsMs: number[] = [];
    const bareMs: number[] = [];
    const time = async (operation: () => Promise<unknown>, into: number[] | undefined) => {
      const started = performance.now();
      await operation();
      into?.push(performance.now() - started);
    };
    await Promise.all(
      customers.map(async (customerId) => {
        for (let index = 0; index < warmup + iterations; index += 1) {
          const measured = index >= warmup;
          await time(() => credits.withCredits(customerId, 10, async () => 4), measured ? withCreditsMs : undefined);
          await time(() => bare.pair(customerId), measured ? bareMs : undefined);
        }
      }),
    );
    const p50 = (samples: number[]) => percentile(samples, 50);
    const latency = (samples: number[]) => `p50=${round(p50(samples), 2)}ms p99=${round(percentile(samples, 99), 2)}ms`;
    console.log(`concurrency=${concurrency} iterations=${iterations} warmup=${warmup}`);
    console.log(`with_credits (reserve + work + capture through @billing/client): ${latency(withCreditsMs)}`);
    console.log(`bare (Reserve + Capture through grpc-js): ${latency(bareMs)}`);
    console.log(`client with_credits_p50_ms=${round(p50(withCreditsMs), 2)} bare_p50_ms=${round(p50(bareMs), 2)} overhead_ratio=${round(p50(withCreditsMs) / p50(bareMs), 2)}`);
  } finally {
    credits.close();
    bare.close();
    await stopService();
    await dropDatabase(serverUrl, database);
  }
}
