/**
 * One platform, the console (built app + BFF) and a demo data set, for the console E2E spec and the screenshots:
 * - Ada: a paid top-up (the payment to refund), a paid Starter subscription and some usage;
 * - Dana: a paid top-up whose grant the credit service failed on, now in the grants consumer's dead-letter topic,
 *   with the fault removed (a replay applies it);
 * - Katherine: 10,000 ledger entries;
 * - a few more customers, two plans, a top-up pack.
 * `stop()` ends every process it started, whatever failed.
 */
import { buildConsoleApp, type ConsoleServer, startConsoleServer } from './console-harness';
import { consoleSeeder, type PaidTopUp, type SeededCustomer } from './console-seed';
import { type Platform, startPlatform } from './platform';

export const LONG_LEDGER_ENTRIES = 10_000;

export interface SeededConsole {
  platform: Platform;
  console: ConsoleServer;
  seed: ReturnType<typeof consoleSeeder>;
  /** Gzipped JS of the built app, as the build reports it. */
  jsKb: number;
  ada: SeededCustomer & { topUp: PaidTopUp; subscriptionId: string };
  dana: SeededCustomer & { topUp: PaidTopUp };
  katherine: SeededCustomer;
  deadLetterTopic: string;
  plans: { starter: string; scale: string };
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export async function startSeededConsole(): Promise<SeededConsole> {
  const timings: Record<string, number> = {};
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[what] = Date.now() - started;
    }
  };
  const [platformResult, buildResult] = await Promise.allSettled([
    timed('platform start', () => startPlatform({ logLevel: 'info' })),
    timed('app build', () => buildConsoleApp()),
  ]);
  if (platformResult.status === 'rejected') throw platformResult.reason;
  const platform = platformResult.value;
  let consoleServer: ConsoleServer | undefined;
  const stop = async () => {
    await consoleServer?.stop();
    await platform.stop();
  };
  try {
    if (buildResult.status === 'rejected') throw buildResult.reason;
    const seed = consoleSeeder(platform);
    // Settled both ways: a seed that fails still waits for the console process, so stop() ends it.
    const [started, seeded] = await Promise.allSettled([
      timed('console start', async () => (consoleServer = await startConsoleServer(platform))),
      timed('seed', async () => {
        const [pack, starter, scale] = await Promise.all([
          seed.topUpPack(500, 1_000),
          seed.plan('starter', 'Starter', 2_900, 1_000),
          seed.plan('scale', 'Scale', 9_900, 5_000),
        ]);
        const [ada, dana, katherine] = await Promise.all([
          (async () => {
            const customer = await seed.customer('Ada Lovelace', 'ada.lovelace@example.com');
            const topUp = await seed.paidTopUp(customer.id, pack);
            const subscriptionId = await seed.paidSubscription(customer.id, starter);
            for (const amount of [120, 45, 300]) await seed.spend(customer.id, amount);
            return { ...customer, topUp, subscriptionId };
          })(),
          (async () => {
            const customer = await seed.customer('Dana Scully', 'dana.scully@example.com');
            const repair = await seed.breakTopUpGrants(customer.id);
            const topUp = await seed.paidTopUp(customer.id, pack, { awaitCredits: false });
            const deadLetterTopic = await seed.deadLetterTopic();
            await repair();
            return { customer: { ...customer, topUp }, deadLetterTopic };
          })(),
          timed('long ledger', async () => {
            const customer = await seed.customer('Katherine Johnson', 'katherine.johnson@example.com');
            await seed.longLedger(customer.id, LONG_LEDGER_ENTRIES);
            return customer;
          }),
          seed.customer('Grace Hopper', 'grace.hopper@example.com'),
          seed.customer('Alan Turing', 'alan.turing@example.com'),
        ]);
        return { ada, dana: dana.customer, deadLetterTopic: dana.deadLetterTopic, katherine, plans: { starter, scale } };
      }),
    ]);
    if (started.status === 'rejected') throw started.reason;
    if (seeded.status === 'rejected') throw seeded.reason;
    return { platform, console: started.value, seed, jsKb: buildResult.value, ...seeded.value, timings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
