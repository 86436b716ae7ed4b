import type { AddressInfo } from 'node:net';
import { registerRoutes, ServiceRuntime, type RetryPolicy, type ServiceSettings } from '@billing/platform';
import { integrationEventTopics } from '@billing/platform/contracts';
import type { Logger } from 'pino';
import { subscriptionMigrations } from '../migrations';
import type { Clock } from './application/ports/clock.port';
import { subscriptionUseCases } from './application/subscription-use-cases';
import { DunningPolicy } from './domain/dunning-policy';
import { SqlSchedulerUnitOfWork, sqlStores } from './infrastructure/sql-stores';
import { SystemClock } from './infrastructure/system-clock';
import { UuidIds } from './infrastructure/uuid-ids';
import { CUSTOMER_PROJECTION_CONSUMER, customerProjectionHandlers } from './interface/consumers/customer-projection.consumer';
import { PAYMENT_RESULTS_CONSUMER, paymentResultHandlers } from './interface/consumers/payment-results.consumer';
import { subscriptionErrorStatus } from './interface/http/error-status';
import { subscriptionRoutes } from './interface/http/subscription-routes';
import { RenewalSchedulerJob } from './interface/jobs/renewal-scheduler.job';
import type { SubscriptionEntryPoint } from './interface/subscription-entry-point';

export interface SubscriptionServiceOverrides {
  /** Default: the system clock. Tests pass a manual clock and move it to run renewals in seconds. */
  clock?: Clock;
  /** How often the scheduler looks for due subscriptions (default 1000 ms). */
  schedulerTickMs?: number;
  /** false: no interval scheduler in this process (ticks only through `scheduler.runOnce()`). */
  runScheduler?: boolean;
  /** Rows claimed per scheduler transaction (default 100). */
  schedulerBatchSize?: number;
  /** Default: retries 1, 3 and 5 days after each failure, then canceled. */
  dunningPolicy?: DunningPolicy;
  /** Default 23 h. */
  incompleteExpiryMs?: number;
  /** Retries of a failing event handler before the dead-letter topic. */
  consumerRetry?: Partial<RetryPolicy>;
  logger?: Logger;
}

export interface SubscriptionService {
  runtime: ServiceRuntime;
  httpUrl: string;
  clock: Clock;
  scheduler: RenewalSchedulerJob;
  close(): Promise<void>;
}

/** Builds and starts the whole service; main.ts calls it with settings from the environment, tests in-process on port 0. */
export async function startSubscriptionService(
  settings: ServiceSettings,
  overrides: SubscriptionServiceOverrides = {},
): Promise<SubscriptionService> {
  const runtime = await ServiceRuntime.create({
    settings,
    migrations: subscriptionMigrations,
    errorStatus: subscriptionErrorStatus,
    logger: overrides.logger,
  });
  const clock = overrides.clock ?? new SystemClock();
  const entry: SubscriptionEntryPoint = subscriptionUseCases({
    storesIn: (tx, context) => sqlStores(tx, context, clock),
    schedulerUnitOfWork: new SqlSchedulerUnitOfWork(runtime.unitOfWork, clock),
    clock,
    ids: new UuidIds(),
    dunningPolicy: overrides.dunningPolicy ?? DunningPolicy.standard(),
    schedulerBatchSize: overrides.schedulerBatchSize,
    incompleteExpiryMs: overrides.incompleteExpiryMs,
  });

  registerRoutes(runtime, subscriptionRoutes(entry), { title: 'Billing subscription service', version: '1.0.0' });
  runtime.addConsumer({
    consumer: PAYMENT_RESULTS_CONSUMER,
    topics: [integrationEventTopics.PaymentSucceeded],
    handlers: paymentResultHandlers(entry, runtime.logger.child({ component: PAYMENT_RESULTS_CONSUMER })),
    retry: overrides.consumerRetry,
  });
  runtime.addConsumer({
    consumer: CUSTOMER_PROJECTION_CONSUMER,
    topics: [integrationEventTopics.CustomerRegistered],
    handlers: customerProjectionHandlers(entry),
    retry: overrides.consumerRetry,
  });

  const scheduler = new RenewalSchedulerJob(entry, overrides.schedulerTickMs ?? 1000, runtime.logger.child({ component: 'scheduler' }));
  runtime.onShutdown(() => scheduler.stop());

  await runtime.listen();
  if (overrides.runScheduler ?? true) scheduler.start();
  const { port } = runtime.http.server.address() as AddressInfo;
  return { runtime, httpUrl: `http://127.0.0.1:${port}`, clock, scheduler, close: () => runtime.close() };
}
