import { createStripeClient, PgExecutor, registerRoutes, ServiceRuntime, type ServiceSettings, type StripeSettings, stripeSettingsFromEnv, webhookSecretsOf } from '@billing/platform';
import type { Logger } from 'pino';
import { paymentMigrations } from '../migrations';
import type { Clock } from './application/ports/clock.port';
import type { CustomerDirectory } from './application/ports/customer-directory.port';
import { CustomerServiceClient, ProjectedCustomerDirectory } from './infrastructure/grpc-customer-directory';
import { SqlCustomerProjections } from './infrastructure/sql-customer-projections';
import { SqlPaymentRepository } from './infrastructure/sql-payment.repository';
import { SqlWebhookDeliveries } from './infrastructure/sql-webhook-deliveries';
import { SqlWebhookUnits } from './infrastructure/sql-webhook-unit';
import { SqlTopUpPackRepository } from './infrastructure/sql-top-up-pack.repository';
import { eachInOwnTransaction, inTransaction } from './infrastructure/sql-transactor';
import { StripeGatewayWebhooks } from './infrastructure/stripe/stripe-gateway-webhooks';
import { StripePaymentGateway } from './infrastructure/stripe/stripe-payment-gateway';
import { StripeRefundGateway } from './infrastructure/stripe/stripe-refund-gateway';
import { systemClock, uuidGenerator } from './infrastructure/system-clock';
import { CUSTOMER_GATEWAY_LINKS_CONSUMER, CUSTOMER_TOPIC, customerGatewayLinkHandlers } from './interface/consumers/customer-gateway-links.consumer';
import { SUBSCRIPTION_PAYMENTS_CONSUMER, SUBSCRIPTION_TOPIC, subscriptionPaymentHandlers } from './interface/consumers/subscription-payments.consumer';
import { paymentErrorStatus } from './interface/http/error-status';
import { paymentRoutes, refuseCallerPricedTopUps } from './interface/http/payment-routes';
import { topUpPackRoutes } from './interface/http/top-up-pack-routes';
import { paymentUseCases } from './interface/payment-use-cases';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './interface/webhooks/stripe-webhook.route';

export interface PaymentServiceOverrides {
  /** Default: STRIPE_* from the environment. */
  stripe?: StripeSettings;
  /** Default: CUSTOMER_GRPC_URL and CUSTOMER_SERVICE_TOKEN; unset URL = projection only. */
  customerService?: { url: string; token: string } | null;
  /** Replaces the projection + gRPC lookup entirely (tests). */
  customerDirectory?: CustomerDirectory;
  /**
   * Where a new consumer group starts. Default true (a fresh deployment reads the whole history, e.g. every
   * PaymentGatewayLinked). Tests on a shared broker pass false, with a unique `settings.service`.
   */
  consumersFromBeginning?: boolean;
  /** Consumer retry policy (attempts before the dead-letter topic). */
  consumerRetry?: { attempts?: number; initialBackoffMs?: number; maxBackoffMs?: number };
  clock?: Clock;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface PaymentService {
  runtime: ServiceRuntime;
  httpUrl: string;
  close(): Promise<void>;
}

/** Builds and starts the payment service: database, consumers, REST, webhooks, outbox relay. */
export async function startPaymentService(settings: ServiceSettings, overrides: PaymentServiceOverrides = {}): Promise<PaymentService> {
  const env = overrides.env ?? process.env;
  const stripeSettings = overrides.stripe ?? stripeSettingsFromEnv(env);
  const customerService =
    overrides.customerService !== undefined
      ? overrides.customerService
      : env.CUSTOMER_GRPC_URL
        ? { url: env.CUSTOMER_GRPC_URL, token: env.CUSTOMER_SERVICE_TOKEN ?? '' }
        : null;
  if (customerService !== null && !customerService.token) throw new Error('CUSTOMER_SERVICE_TOKEN is not set: the customer service needs a token for GetCustomer');

  const runtime = await ServiceRuntime.create({
    settings,
    migrations: paymentMigrations,
    errorStatus: paymentErrorStatus,
    publicPaths: [STRIPE_WEBHOOK_PATH],
    ...(overrides.logger ? { logger: overrides.logger } : {}),
  });
  const clock = overrides.clock ?? systemClock;
  const unitOfWork = runtime.unitOfWork;
  const stripe = createStripeClient(stripeSettings, 'billing-payment-service');
  const gateway = new StripePaymentGateway(stripe);
  const customerClient = customerService === null ? undefined : new CustomerServiceClient(customerService.url, customerService.token, settings.grpcTlsCaFile);
  if (customerClient) runtime.onShutdown(async () => customerClient.close());
  if (customerService === null && !overrides.customerDirectory) runtime.logger.warn('CUSTOMER_GRPC_URL is not set: Stripe customers come from the PaymentGatewayLinked projection only');
  const customers = overrides.customerDirectory ?? new ProjectedCustomerDirectory(unitOfWork, customerClient, runtime.logger.child({ component: 'customer-directory' }));

  // Webhooks run on a plain node-postgres pool, as credit's hot path does: through MikroORM/knex each statement cost
  // about 0.5 ms of CPU (docs/performance.md, Stripe webhooks). As many connections as MikroORM's pool.
  const webhookUnits = new SqlWebhookUnits(new PgExecutor(runtime.plainPool(Number(env.PAYMENT_WEBHOOK_DB_POOL ?? 10))));
  const useCasesIn = paymentUseCases({
    // Opening a payment commits the row before Stripe is called (see SqlPaymentRepository / PaymentOpener).
    paymentsCommittingEachCall: (context) => new SqlPaymentRepository(eachInOwnTransaction(unitOfWork), context),
    paymentsIn: (tx, context) => new SqlPaymentRepository(inTransaction(tx), context),
    packsIn: (tx) => new SqlTopUpPackRepository(tx),
    packsCommittingEachCall: { find: (code) => unitOfWork.transaction((tx) => new SqlTopUpPackRepository(tx).find(code)) },
    customerProjectionsIn: (tx) => new SqlCustomerProjections(tx),
    webhookDeliveriesIn: (tx) => new SqlWebhookDeliveries(tx),
    webhookTransaction: webhookUnits.transaction,
    flows: webhookUnits,
    webhooks: new StripeGatewayWebhooks(webhookSecretsOf(stripeSettings), (chargeId) => gateway.refundsOfCharge(chargeId)),
    gateway,
    refunds: new StripeRefundGateway(stripe),
    customers,
    clock,
    ids: uuidGenerator,
  });

  refuseCallerPricedTopUps(runtime.http);
  const checkout = stripeSettings.checkoutPageUrl ? { checkoutPageUrl: stripeSettings.checkoutPageUrl } : {};
  const webhook = stripeWebhookRoute({ useCasesIn, logger: runtime.logger.child({ component: 'stripe-webhook' }) });
  registerRoutes(runtime, [...paymentRoutes({ unitOfWork, useCasesIn, ...checkout }), ...topUpPackRoutes(useCasesIn), webhook], {
    title: 'Payment service',
    version: '2.0.0',
    description:
      'Stripe PaymentIntents for subscription periods, upgrades and credit top-ups (bought by pack); the top-up catalogue; Stripe webhooks. Events: billing.payment.v1. The platform-wide REST contract (auth, idempotency, errors, lists, 403 for scoped tokens) is in docs/api.md.',
  });

  const fromBeginning = overrides.consumersFromBeginning ?? true;
  const retry = overrides.consumerRetry ? { retry: overrides.consumerRetry } : {};
  runtime.addConsumer({
    consumer: SUBSCRIPTION_PAYMENTS_CONSUMER,
    topics: [SUBSCRIPTION_TOPIC],
    fromBeginning,
    ...retry,
    handlers: subscriptionPaymentHandlers(useCasesIn, runtime.logger.child({ component: SUBSCRIPTION_PAYMENTS_CONSUMER })),
  });
  runtime.addConsumer({ consumer: CUSTOMER_GATEWAY_LINKS_CONSUMER, topics: [CUSTOMER_TOPIC], fromBeginning, ...retry, handlers: customerGatewayLinkHandlers(useCasesIn) });

  await runtime.listen();
  const address = runtime.http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.httpPort;
  return { runtime, httpUrl: `http://127.0.0.1:${port}`, close: () => runtime.close() };
}
