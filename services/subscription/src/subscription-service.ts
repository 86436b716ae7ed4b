import type { AddressInfo } from 'node:net';
import { ServiceRuntime, type RetryPolicy, type ServiceSettings } from '@billing/platform';
import { integrationEventTopics } from '@billing/platform/contracts';
import type { Logger } from 'pino';
import { subscriptionMigrations } from '../migrations';
import { ProcessDueSubscriptionsHandler } from './application/commands/process-due-subscriptions/process-due-subscriptions.handler';
import type { Clock } from './application/ports/clock.port';
import { DunningPolicy } from './domain/dunning-policy';
import { RenewalScheduler } from './infrastructure/renewal-scheduler';
import { SqlSchedulerUnitOfWork } from './infrastructure/sql-stores';
import { SystemClock } from './infrastructure/system-clock';
import { UuidIds } from './infrastructure/uuid-ids';
import { CUSTOMER_PROJECTION_CONSUMER, customerProjectionHandlers } from './interface/consumers/customer-projection.consumer';
import { PAYMENT_RESULTS_CONSUMER, paymentResultHandlers } from './interface/consumers/payment-results.consumer';
import { subscriptionErrorStatus } from './interface/http/error-status';
import { registerRoutes } from './interface/http/register-routes';
import { subscriptionRoutes } from './interface/http/subscription-routes';

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
  scheduler: RenewalScheduler;
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
  const dunningPolicy = overrides.dunningPolicy ?? DunningPolicy.standard();

  registerRoutes(runtime, subscriptionRoutes({ clock, ids: new UuidIds() }));
  runtime.addConsumer({
    consumer: PAYMENT_RESULTS_CONSUMER,
    topics: [integrationEventTopics.PaymentSucceeded],
    handlers: paymentResultHandlers({ clock, dunningPolicy, logger: runtime.logger.child({ component: PAYMENT_RESULTS_CONSUMER }) }),
    retry: overrides.consumerRetry,
  });
  runtime.addConsumer({
    consumer: CUSTOMER_PROJECTION_CONSUMER,
    topics: [integrationEventTopics.CustomerRegistered],
    handlers: customerProjectionHandlers({ clock }),
    retry: overrides.consumerRetry,
  });

  const processDue = new ProcessDueSubscriptionsHandler({
    unitOfWork: new SqlSchedulerUnitOfWork(runtime.unitOfWork, clock),
    clock,
    dunningPolicy,
    batchSize: overrides.schedulerBatchSize,
    incompleteExpiryMs: overrides.incompleteExpiryMs,
  });
  const scheduler = new RenewalScheduler(processDue, overrides.schedulerTickMs ?? 1000, runtime.logger.child({ component: 'scheduler' }));
  runtime.onShutdown(() => scheduler.stop());

  await runtime.listen();
  if (overrides.runScheduler ?? true) scheduler.start();
  const { port } = runtime.http.server.address() as AddressInfo;
  return { runtime, httpUrl: `http://127.0.0.1:${port}`, clock, scheduler, close: () => runtime.close() };
}
