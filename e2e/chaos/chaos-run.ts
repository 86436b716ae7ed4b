/**
 * One chaos run (issues #8, #18): a broker of its own, the four services as processes on it (`instances` of each), N
 * customers doing business while every Stripe webhook arrives 3 times shuffled, every service process is SIGKILLed
 * once and the broker once; with several instances, then a rolling restart of every instance under load. Then wait
 * for quiescence and audit the data. Used by `npm run chaos` (run.ts) and by e2e/chaos.e2e.spec.ts (size small).
 */
import { startPrivateKafka } from '../../infra/testing/private-kafka';
import { creditGrpcClient, restClient, stripeClient } from '../support/clients';
import { type Platform, type ServiceName, serviceNames, startPlatform } from '../support/platform';
import { audit, type AuditResult } from './audit';
import { ServiceDatabases } from './databases';
import { FailoverProbe } from './failover';
import { type FaultOutcome, isBrokerFault, planFaults, type RollingStep, rollingRestart, runFaults } from './faults';
import { customerJourney, IntentIndex, type CustomerRecord } from './journeys';
import { type FailedOperation, OperationLog } from './persist';
import { type Backlog, QuiescenceProbe } from './quiescence';
import { Random } from './random';
import type { ChaosSize } from './sizes';
import { Supervisor } from './supervisor';
import { type WebhookStats, WebhookStorm } from './webhook-storm';

export interface ChaosOptions {
  size: ChaosSize;
  seed: number;
  /** Processes per service (default 1). */
  instances?: number;
  /** Kafka nodes of the run's private cluster (default 1); with more, the broker fault is two leader kills. */
  brokers?: number;
  /** Progress lines (default: stdout). */
  log?: (line: string) => void;
}

export interface ChaosOutcome {
  size: ChaosSize;
  seed: number;
  startedAt: Date;
  customers: number;
  lost: number;
  double: number;
  invariantViolations: number;
  kills: number;
  brokerRestarts: number;
  /** Kafka nodes, and how many times the busiest leader among them was killed and started again. */
  brokers: number;
  brokerKills: number;
  faults: FaultOutcome[];
  instances: number;
  /** Several instances: p99 (nearest rank) of the kills' takeover times (FaultOutcome.failoverMs), ms. */
  failoverP99Ms?: number;
  /** Several instances: the rolling restart after the faults, and the client operations that failed meanwhile. */
  rolling?: { steps: RollingStep[]; fromMs: number; untilMs: number; failedOps: FailedOperation[] };
  /** Client operations (journeys' calls, webhook deliveries) and those that failed after the retry budget. */
  operations: { total: number; failed: number };
  /** Exits nobody caused, restarted by the supervisor (see Supervisor), by instance label. */
  unexpectedExits: Record<string, number>;
  webhooks: WebhookStats;
  quiescence: { quiet: boolean; tookMs: number; last: Backlog };
  audit: AuditResult;
  durations: { startupMs: number; loadMs: number; quiescenceMs: number; totalMs: number };
  logDir: string;
}

const PLAN = { price: 500, credits: 100 };

export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const { size, seed, brokers = 1 } = options;
  const instances = options.instances ?? 1;
  const log = options.log ?? ((line: string) => console.log(line));
  const startedAt = new Date();
  const random = new Random(seed);
  const faultPlan = planFaults(size, random.fork(), instances, brokers);
  const stormRandom = random.fork();
  const customerRandoms = Array.from({ length: size.customers }, () => random.fork());

  log(`chaos: size=${size.name} instances=${instances} seed=${seed} customers=${size.customers} day=${size.dayMs / 1_000}s load=${size.loadMs / 1_000}s brokers=${brokers}`);
  const kafka = await startPrivateKafka(`chaos-${process.pid}-${seed}`, { brokers });
  let platform: Platform | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    // Production consumer retries (5 attempts, backoff up to 5 s): this broker carries no other run's events.
    const retry = { CONSUMER_RETRY_ATTEMPTS: '5', CONSUMER_RETRY_MAX_BACKOFF_MS: '5000' };
    const env: Record<ServiceName, NodeJS.ProcessEnv> = { customer: retry, credit: retry, payment: retry, subscription: { ...retry, SUBSCRIPTION_SCHEDULER_TICK_MS: '200' } };
    platform = await startPlatform({
      clockRate: 86_400_000 / size.dayMs,
      kafkaBrokers: kafka.brokers,
      consumeFrom: 'earliest',
      logLevel: 'info',
      env,
      startTimeoutMs: 180_000,
      instances,
    });
    const started = platform;
    log(`chaos: platform up in ${((Date.now() - startedAt.getTime()) / 1_000).toFixed(1)} s (logs: ${platform.logDir})`);

    const credit = creditGrpcClient(platform, { deadlineMs: 5_000 });
    cleanup.push(async () => credit.close());
    const databases = new ServiceDatabases(platform);
    cleanup.push(() => databases.close());
    const operations = new OperationLog();
    const storm = new WebhookStorm(platform, stormRandom, { concurrency: 4, scanEveryMs: size.customers > 50 ? 1_000 : 300 }, operations);
    cleanup.push(() => storm.stop());
    const probe = new QuiescenceProbe(kafka.brokers, databases, storm);
    cleanup.push(() => probe.close());
    const failover = instances > 1 ? new FailoverProbe(kafka.brokers, databases) : undefined;
    if (failover) cleanup.push(() => failover.close());

    const supervisor = new Supervisor(platform, log);
    supervisor.start();
    cleanup.push(async () => supervisor.stop());

    const planCode = `chaos-daily-${seed}`;
    const plan = await restClient(platform, 'subscription')('POST', '/v1/plans', {
      code: planCode,
      name: 'Chaos daily',
      price: { amount: PLAN.price, currency: 'EUR' },
      interval: 'day',
      creditsPerPeriod: PLAN.credits,
      creditRollover: false,
    });
    if (plan.status !== 201) throw new Error(`plan: ${plan.status} ${JSON.stringify(plan.body)}`);
    const topUpPackCodes: string[] = [];
    for (let credits = 200; credits <= 1_000; credits += 100) {
      const code = `chaos-${seed}-${credits}`;
      const pack = await restClient(platform, 'payment')('POST', '/v1/top-up-packs', { code, credits, prices: [{ amount: credits * 2, currency: 'EUR' }] });
      if (pack.status !== 201) throw new Error(`top-up pack: ${pack.status} ${JSON.stringify(pack.body)}`);
      topUpPackCodes.push(code);
    }

    storm.start();
    const loadStartedAt = Date.now();
    const startupMs = loadStartedAt - startedAt.getTime();
    // With several instances the load lasts until the rolling restart is over, so that it runs under load.
    let rollingDoneAt = instances > 1 ? Infinity : 0;
    const loadEnd = () => Math.max(loadStartedAt + size.loadMs, rollingDoneAt);
    const context = { platform, size, credit, stripe: stripeClient(platform), planCode, topUpPackCodes, loadStartedAt, loadEnd, intents: new IntentIndex(platform), operations, log };
    const progress = setInterval(() => {
      log(`chaos: +${((Date.now() - loadStartedAt) / 1_000).toFixed(0)}s virtual ${started.virtualNow().toISOString()} webhooks ${storm.stats.delivered}/${storm.stats.events * WebhookStorm.COPIES}`);
    }, 15_000);
    let customers: CustomerRecord[];
    let faults: FaultOutcome[];
    let rolling: ChaosOutcome['rolling'];
    try {
      [customers, faults] = await Promise.all([
        Promise.all(customerRandoms.map((customerRandom, index) => customerJourney(context, index, customerRandom))),
        (async () => {
          const outcomes = await runFaults(faultPlan, { platform, kafka, databases, supervisor, failover, loadStartedAt, log });
          if (instances > 1) {
            const fromMs = Date.now();
            log(`chaos: +${((fromMs - loadStartedAt) / 1_000).toFixed(0)}s faults done; rolling restart of all ${instances * serviceNames.length} instances`);
            const steps = await rollingRestart({ platform, supervisor, loadStartedAt, log }).finally(() => (rollingDoneAt = Date.now()));
            rolling = { steps, fromMs, untilMs: rollingDoneAt, failedOps: [] };
          }
          return outcomes;
        })(),
      ]);
    } finally {
      clearInterval(progress);
    }
    if (rolling) rolling.failedOps = operations.failedBetween(rolling.fromMs, rolling.untilMs);
    const loadMs = Date.now() - loadStartedAt;
    log(`chaos: load done after ${(loadMs / 1_000).toFixed(1)} s; waiting for quiescence`);

    const quiescence = await probe.waitForQuiescence(size.quiescenceTimeoutMs, 3_000, log);
    log(`chaos: ${quiescence.quiet ? 'quiescent' : 'NOT quiescent'} after ${(quiescence.tookMs / 1_000).toFixed(1)} s: ${JSON.stringify(quiescence.last)}`);
    const result = await audit({ databases, intents: platform.stripe.paymentIntents(), customers, deadLettered: await probe.deadLettered() });
    // Not quiescent: the figures may still move; count it as a violation rather than pass on a snapshot.
    if (!quiescence.quiet) {
      result.invariantViolations += 1;
      result.findings.push(`INVARIANT not quiescent within ${size.quiescenceTimeoutMs / 1_000} s: ${JSON.stringify(quiescence.last)}`);
    }
    for (const customer of customers) for (const error of customer.errors) log(`chaos: customer ${customer.index}: ${error}`);
    for (const failure of operations.failures) {
      log(`chaos: operation failed: ${failure.what} (no usable answer from +${((failure.since - loadStartedAt) / 1_000).toFixed(1)}s to +${((failure.failedAt - loadStartedAt) / 1_000).toFixed(1)}s)`);
    }
    const failovers = faults.flatMap((fault) => (fault.failoverMs === undefined ? [] : [fault.failoverMs])).sort((a, b) => a - b);
    return {
      size,
      seed,
      startedAt,
      customers: result.figures.customers,
      lost: result.lost,
      double: result.double,
      invariantViolations: result.invariantViolations,
      kills: faults.filter((fault) => !isBrokerFault(fault.target) && fault.done).length,
      brokerRestarts: faults.filter((fault) => fault.target === 'kafka' && fault.done).length,
      brokers,
      brokerKills: faults.filter((fault) => fault.target === 'kafka-leader' && fault.done).length,
      faults,
      instances,
      ...(failovers.length ? { failoverP99Ms: failovers[Math.ceil(0.99 * failovers.length) - 1]! } : {}),
      ...(rolling ? { rolling } : {}),
      operations: { total: operations.operations, failed: operations.failures.length },
      unexpectedExits: { ...supervisor.unexpectedExits },
      webhooks: storm.stats,
      quiescence,
      audit: result,
      durations: { startupMs, loadMs, quiescenceMs: quiescence.tookMs, totalMs: Date.now() - startedAt.getTime() },
      logDir: platform.logDir,
    };
  } finally {
    for (const close of cleanup.reverse()) await close().catch(() => undefined);
    await platform?.stop().catch(() => undefined);
    await kafka.dispose().catch(() => undefined);
  }
}
