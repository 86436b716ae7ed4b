/**
 * credit-reserve: reserve+capture pairs/s through gRPC against the credit service running as its own process, on one
 * hot account and spread over 1,000 accounts, against the same load on a CreditService that does no work
 * (bench/grpc-noop-server.ts, same node flags, handler wrapper and gRPC settings), measured in turns with each shape:
 * the ceiling for any implementation behind this API with this load generator on this machine. For context, a raw
 * baseline through a pg pool of the same size: single-statement `UPDATE … RETURNING` transactions/s on one row and on
 * 1,000 rows.
 */
import { randomUUID } from 'node:crypto';
import { dropDatabase, databaseUrlFor, ensureDatabase } from '@billing/platform';
import { uniqueName } from '@billing/testkit';
import pg from 'pg';
import { benchSettings, creditClient, latency, load, loadInTurns, poolSize, rssMb, startCreditService, startNoopServer } from './credit-load';
import { seedCreditAccounts } from './seed-credit-accounts';
import { percentile, round } from './stats';

const accounts = 1000;

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

export async function run(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL!;
  const database = uniqueName('bench_credit');
  await ensureDatabase(serverUrl, database);
  const service = await startCreditService(database);
  try {
    const restingRss = rssMb(service.pid).now;
    const customers = Array.from({ length: accounts + 1 }, () => `bench-${randomUUID()}`);
    await seedCreditAccounts(databaseUrlFor(serverUrl, database), customers);
    const credit = creditClient(service.grpcPort);
    const noop = await startNoopServer();
    // Each shape in turns with the no-op server, so that the ratio compares the two on the same machine load.
    const noopLoad = { operation: noop.pair, pid: noop.pid };
    const shapes = await (async () => {
      try {
        const [hot, noopHot] = await loadInTurns({ operation: (worker) => credit.pair(worker, customers[accounts]!), pid: service.pid }, noopLoad);
        const [spread, noopSpread] = await loadInTurns({ operation: (worker) => credit.pair(worker, customers[Math.floor(Math.random() * accounts)]!), pid: service.pid }, noopLoad);
        return { hot, noopHot, spread, noopSpread, noopPeakRss: rssMb(noop.pid).peak };
      } finally {
        credit.close();
        noop.stop();
      }
    })();
    const { hot, noopHot, spread, noopSpread, noopPeakRss } = shapes;
    const servicePeakRss = rssMb(service.pid).peak;

    const raw = await rawBaseline(databaseUrlFor(serverUrl, database));
    // The service has had no load since its phases ended (the raw phases ran meanwhile): at rest after load.
    const afterLoadRss = rssMb(service.pid).now;
    console.log(`${benchSettings} raw_hot_tx_s=${round(raw.hot)} raw_spread_tx_s=${round(raw.spread)}`);
    for (const [name, phase] of [['hot', hot], ['spread', spread]] as const) {
      const { service: serviceCpu, postgres, client } = phase.cpuMs;
      console.log(`${name}: ${round(phase.perSecond)} pairs/s ${latency(phase.latencies)} cpu_ms_per_pair service=${serviceCpu} postgres=${postgres} client=${client}`);
    }
    for (const [name, phase] of [['grpc_noop (in turns with hot)', noopHot], ['grpc_noop (in turns with spread)', noopSpread]] as const) {
      console.log(`${name}: ${round(phase.perSecond)} pairs/s ${latency(phase.latencies)} cpu_ms_per_pair server=${phase.cpuMs.service} client=${phase.cpuMs.client}`);
    }
    console.log(`rss_mb service_at_start=${restingRss} service_peak=${servicePeakRss} service_at_rest_after_load=${afterLoadRss} noop_peak=${noopPeakRss}`);
    console.log(
      `credit-reserve hot_ratio=${round(hot.perSecond / raw.hot, 2)} spread_ratio=${round(spread.perSecond / raw.spread, 2)} hot_pairs_s=${round(hot.perSecond)} spread_pairs_s=${round(spread.perSecond)} hot_p99_ms=${round(percentile(hot.latencies, 99), 1)}`,
    );
    // CPU per pair: the heavier of the two shapes, each against the no-op server's measured in turns with it.
    const cpuX = Math.max(hot.cpuMs.service / noopHot.cpuMs.service, spread.cpuMs.service / noopSpread.cpuMs.service);
    console.log(
      `credit-vs-noop hot=${round(hot.perSecond / noopHot.perSecond, 2)} spread=${round(spread.perSecond / noopSpread.perSecond, 2)} service_cpu_x=${round(cpuX, 2)}`,
    );
  } finally {
    await service.stop();
    await dropDatabase(serverUrl, database);
  }
}
