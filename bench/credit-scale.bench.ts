/**
 * credit-scale: is the credit hot path flat as the database grows? The credit-reserve load (reserve+capture pairs over
 * gRPC, one hot account, then 1,000 accounts) and a phase of GetBalance calls over those 1,000 accounts, run on an
 * empty credit database and on one grown to 1 million accounts and 10 million ledger entries
 * (bench/seed-credit-history.ts; BENCH_SCALE_ACCOUNTS to change the million). The two are separate databases, each
 * with a fresh credit service process, measured back to back after the seeding; each drives 1,001 accounts of its own.
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

/** A credit database of its own, migrated by a credit service process started on it. */
async function creditDatabase(serverUrl: string, name: string) {
  const database = uniqueName(name);
  await ensureDatabase(serverUrl, database);
  return { database, url: databaseUrlFor(serverUrl, database) };
}

/** Starts the credit service on `database`, drives the phases, stops it; with the service's peak RSS. */
async function measure(database: string, databaseUrl: string) {
  const service = await startCreditService(database);
  try {
    const phases = await drivePhases(databaseUrl, service);
    return { ...phases, peakRssMb: rssMb(service.pid).peak };
  } finally {
    await service.stop();
  }
}

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const empty = await creditDatabase(serverUrl, 'bench_credit_empty');
  const grown = await creditDatabase(serverUrl, 'bench_credit_grown');
  try {
    // The grown database is seeded first, so that the two measurements run back to back on the shared machine.
    await (await startCreditService(grown.database)).stop(); // migrates it
    const seedSeconds = await seedCreditHistory(grown.url, grownAccounts);
    console.log(`seeded ${grownAccounts} accounts, ${grownAccounts * 10} ledger entries in ${round(seedSeconds, 1)} s (with vacuum, analyze, checkpoint)`);
    const onEmpty = await measure(empty.database, empty.url);
    const onGrown = await measure(grown.database, grown.url);
    console.log(benchSettings);
    print('empty', onEmpty);
    print('grown', onGrown);
    console.log(`rss_mb service_peak empty=${onEmpty.peakRssMb} grown=${onGrown.peakRssMb}`);
    const ratio = (phase: 'hot' | 'spread') => onGrown[phase].perSecond / onEmpty[phase].perSecond;
    console.log(`grown_vs_empty hot=${round(ratio('hot'), 2)} spread=${round(ratio('spread'), 2)}`);
    // The lower of the two load shapes: flat means flat for both.
    console.log(
      `credit-scale grown_vs_empty=${round(Math.min(ratio('hot'), ratio('spread')), 2)} balance_p99_ratio=${round(percentile(onGrown.balance.latencies, 99) / percentile(onEmpty.balance.latencies, 99), 2)}`,
    );
  } finally {
    await dropDatabase(serverUrl, empty.database);
    await dropDatabase(serverUrl, grown.database);
  }
}
