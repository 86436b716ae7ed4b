/**
 * credit-scale: is the credit hot path flat as the database grows? The credit-reserve load (reserve+capture pairs over
 * gRPC, one hot account, then 1,000 accounts) and a phase of GetBalance calls over those 1,000 accounts, run first on
 * an empty credit database and then on the same database grown to 1 million accounts and 10 million ledger entries
 * (bench/seed-credit-history.ts; BENCH_SCALE_ACCOUNTS to change the million). Each run drives 1,001 accounts of its
 * own, seeded just before it.
 */
import { randomUUID } from 'node:crypto';
import { dropDatabase, databaseUrlFor, ensureDatabase } from '@billing/platform';
import { uniqueName } from '@billing/testkit';
import { benchSettings, creditClient, latency, load, type Phase, rssMb, startCreditService } from './credit-load';
import { seedCreditAccounts } from './seed-credit-accounts';
import { seedCreditHistory } from './seed-credit-history';
import { percentile, round } from './stats';

const accounts = 1000;
const grownAccounts = Number(process.env.BENCH_SCALE_ACCOUNTS ?? 1_000_000);

async function drivePhases(databaseUrl: string, service: { pid: number; grpcPort: number }) {
  const customers = Array.from({ length: accounts + 1 }, () => `bench-${randomUUID()}`);
  await seedCreditAccounts(databaseUrl, customers);
  const credit = creditClient(service.grpcPort);
  const spreadCustomer = () => customers[Math.floor(Math.random() * accounts)]!;
  const hot = await load((worker) => credit.pair(worker, customers[accounts]!), service.pid);
  const spread = await load((worker) => credit.pair(worker, spreadCustomer()), service.pid);
  const balance = await load((worker) => credit.balance(worker, spreadCustomer()), service.pid);
  credit.close();
  return { hot, spread, balance };
}

function print(name: string, phases: { hot: Phase; spread: Phase; balance: Phase }) {
  for (const [phase, unit] of [['hot', 'pairs'], ['spread', 'pairs'], ['balance', 'calls']] as const) {
    const { perSecond, latencies, cpuMs } = phases[phase];
    console.log(`${name} ${phase}: ${round(perSecond)} ${unit}/s ${latency(latencies)} cpu_ms service=${cpuMs.service} postgres=${cpuMs.postgres} client=${cpuMs.client}`);
  }
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = uniqueName('bench_credit_scale');
  const databaseUrl = databaseUrlFor(serverUrl, database);
  await ensureDatabase(serverUrl, database);
  const service = await startCreditService(database);
  try {
    const empty = await drivePhases(databaseUrl, service);
    const seedSeconds = await seedCreditHistory(databaseUrl, grownAccounts);
    console.log(`seeded ${grownAccounts} accounts, ${grownAccounts * 10} ledger entries in ${round(seedSeconds, 1)} s`);
    const grown = await drivePhases(databaseUrl, service);
    console.log(benchSettings);
    print('empty', empty);
    print('grown', grown);
    console.log(`rss_mb service_peak=${rssMb(service.pid).peak}`);
    const ratio = (phase: 'hot' | 'spread') => grown[phase].perSecond / empty[phase].perSecond;
    console.log(`grown_vs_empty hot=${round(ratio('hot'), 2)} spread=${round(ratio('spread'), 2)}`);
    // The lower of the two load shapes: flat means flat for both.
    console.log(
      `credit-scale grown_vs_empty=${round(Math.min(ratio('hot'), ratio('spread')), 2)} balance_p99_ratio=${round(percentile(grown.balance.latencies, 99) / percentile(empty.balance.latencies, 99), 2)}`,
    );
  } finally {
    await service.stop();
    await dropDatabase(serverUrl, database);
  }
}
