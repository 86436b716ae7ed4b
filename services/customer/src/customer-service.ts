import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createStripeClient, registerRoutes, ServiceRuntime, type ServiceSettings, startGrpcServer, type StripeClientSettings, stripeClientSettingsFromEnv } from '@billing/platform';
import { customerMigrations } from '../migrations';
import type { Clock } from './application/ports/clock.port';
import type { IdGenerator } from './application/ports/id-generator.port';
import type { PaymentGateway } from './application/ports/payment-gateway.port';
import { SqlCustomerRepository } from './infrastructure/sql-customer.repository';
import { StripePaymentGateway } from './infrastructure/stripe/stripe-payment-gateway';
import { systemClock } from './infrastructure/system-clock';
import { uuidIdGenerator } from './infrastructure/uuid-id-generator';
import { httpErrorStatus } from './interface/customer-error-status';
import { customerUseCases, type CustomerUseCases } from './interface/customer-use-cases';
import { registerCustomerGrpc } from './interface/grpc/customer-grpc';
import { CUSTOMER_API_INFO, customerRoutes } from './interface/http/customer-routes';
import { LinkPendingGatewayCustomersJob } from './interface/jobs/link-pending-gateway-customers.job';

/** A registration waits for Stripe at most about 5 s × 2 before answering `gatewayLink: pending` (the job links it later). */
const customerStripeDefaults = { timeoutMs: 5_000, maxNetworkRetries: 1 };

export interface CustomerServiceOverrides {
  /** Default: Stripe with `stripe` settings, else STRIPE_* from the environment. */
  readonly paymentGateway?: PaymentGateway;
  readonly stripe?: StripeClientSettings;
  /** Pause between runs of the gateway link job; default LINK_PENDING_INTERVAL_MS or 2000. */
  readonly linkIntervalMs?: number;
  /** How old an unlinked customer must be before the job takes it; default LINK_PENDING_GRACE_MS or 30000. */
  readonly linkGraceMs?: number;
  readonly linkBatchSize?: number;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export interface RunningCustomerService {
  readonly runtime: ServiceRuntime;
  readonly httpUrl: string;
  readonly grpcPort: number;
  readonly useCases: CustomerUseCases;
  readonly linkJob: LinkPendingGatewayCustomersJob;
  close(): Promise<void>;
}

/**
 * Builds and starts the customer service: the composition root (main.ts) and the integration tests both start it
 * through here (HTTP_PORT / GRPC_PORT 0 → free ports, read back from the result).
 */
export async function startCustomerService(settings: ServiceSettings, overrides: CustomerServiceOverrides = {}): Promise<RunningCustomerService> {
  const env = overrides.env ?? process.env;
  // Everything that can be refused for configuration is checked before anything is opened.
  const stripeSettings = overrides.paymentGateway ? undefined : (overrides.stripe ?? stripeClientSettingsFromEnv(env, customerStripeDefaults));
  const linkIntervalMs = overrides.linkIntervalMs ?? Number(env.LINK_PENDING_INTERVAL_MS ?? 2_000);
  if (!Number.isFinite(linkIntervalMs) || linkIntervalMs < 10) throw new Error(`LINK_PENDING_INTERVAL_MS must be a number of milliseconds ≥ 10, got ${linkIntervalMs}`);
  const linkGraceMs = overrides.linkGraceMs ?? Number(env.LINK_PENDING_GRACE_MS ?? 30_000);
  if (!Number.isFinite(linkGraceMs) || linkGraceMs < 0) throw new Error(`LINK_PENDING_GRACE_MS must be a number of milliseconds ≥ 0, got ${linkGraceMs}`);
  const clock = overrides.clock ?? systemClock;

  const runtime = await ServiceRuntime.create({
    settings,
    migrations: customerMigrations,
    errorStatus: httpErrorStatus,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
  });
  try {
    const paymentGateway = overrides.paymentGateway ?? new StripePaymentGateway(createStripeClient(stripeSettings!, 'billing-customer-service'), runtime.logger.child({ component: 'stripe' }));
    const useCases = customerUseCases({
      customers: (context, tx) => (tx === undefined ? SqlCustomerRepository.over(runtime.unitOfWork, context) : SqlCustomerRepository.within(tx, context)),
      unitOfWork: runtime.unitOfWork,
      paymentGateway,
      clock,
      ids: overrides.ids ?? uuidIdGenerator,
    });
    registerRoutes(runtime, customerRoutes({ useCases, logger: runtime.logger }), CUSTOMER_API_INFO);
    const grpc = await startGrpcServer(
      (server) => registerCustomerGrpc(server, { useCases, tokens: runtime.tokens, logger: runtime.logger.child({ component: 'grpc' }) }),
      settings.grpcPort ?? 0,
      settings.grpcTls,
    );
    const linkJob = new LinkPendingGatewayCustomersJob(useCases, runtime.logger.child({ component: 'gateway-link-job' }), {
      intervalMs: linkIntervalMs,
      graceMs: linkGraceMs,
      clock,
      ...(overrides.linkBatchSize === undefined ? {} : { batchSize: overrides.linkBatchSize }),
      metrics: runtime.metrics,
    });
    // ServiceRuntime.close(): stop taking requests, then these, then drain the outbox relay, then the database.
    runtime.onShutdown(async () => {
      await new Promise<void>((resolve) => grpc.server.tryShutdown(() => resolve()));
      await linkJob.stop();
    });
    await runtime.listen();
    linkJob.start();
    const { port } = runtime.http.server.address() as AddressInfo;
    return { runtime, httpUrl: `http://127.0.0.1:${port}`, grpcPort: grpc.port, useCases, linkJob, close: () => runtime.close() };
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
}
