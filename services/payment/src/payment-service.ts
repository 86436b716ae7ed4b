import { createStripeClient, ServiceRuntime, type MessageContext, type ServiceSettings, type SqlExecutor, type StripeSettings, stripeSettingsFromEnv, webhookSecretsOf } from '@billing/platform';
import type { Logger } from 'pino';
import { paymentMigrations } from '../migrations';
import { ChargeRenewalHandler } from './application/commands/charge-renewal/charge-renewal.handler';
import { ChargeUpgradeHandler } from './application/commands/charge-upgrade/charge-upgrade.handler';
import { ChangeTopUpPackHandler } from './application/commands/change-top-up-pack/change-top-up-pack.handler';
import { CreateTopUpHandler } from './application/commands/create-top-up/create-top-up.handler';
import { CreateTopUpPackHandler } from './application/commands/create-top-up-pack/create-top-up-pack.handler';
import { DeactivateTopUpPackHandler } from './application/commands/deactivate-top-up-pack/deactivate-top-up-pack.handler';
import { HandleGatewayWebhookHandler } from './application/commands/handle-gateway-webhook/handle-gateway-webhook.handler';
import { StartSubscriptionPaymentHandler } from './application/commands/start-subscription-payment/start-subscription-payment.handler';
import type { Clock } from './application/ports/clock.port';
import type { CustomerDirectory } from './application/ports/customer-directory.port';
import { FindPaymentByReferenceHandler } from './application/queries/find-payment-by-reference/find-payment-by-reference.handler';
import { GetPaymentHandler } from './application/queries/get-payment/get-payment.handler';
import { ListTopUpPacksHandler } from './application/queries/list-top-up-packs/list-top-up-packs.handler';
import { CustomerServiceClient, ProjectedCustomerDirectory } from './infrastructure/grpc-customer-directory';
import { SqlPaymentRepository } from './infrastructure/sql-payment.repository';
import { SqlProcessedWebhookEvents } from './infrastructure/sql-processed-webhook-events';
import { SqlTopUpPackRepository } from './infrastructure/sql-top-up-pack.repository';
import { eachInOwnTransaction, inTransaction } from './infrastructure/sql-transactor';
import { StripePaymentGateway } from './infrastructure/stripe/stripe-payment-gateway';
import { systemClock, uuidGenerator } from './infrastructure/system-clock';
import { CUSTOMER_GATEWAY_LINKS_CONSUMER, CUSTOMER_TOPIC, customerGatewayLinkHandlers } from './interface/consumers/customer-gateway-links.consumer';
import { SUBSCRIPTION_PAYMENTS_CONSUMER, SUBSCRIPTION_TOPIC, subscriptionPaymentHandlers } from './interface/consumers/subscription-payments.consumer';
import { paymentErrorStatus } from './interface/http/error-status';
import { OpenApiRegistry } from './interface/http/openapi';
import { registerPaymentRoutes } from './interface/http/payment-routes';
import { registerTopUpPackRoutes } from './interface/http/top-up-pack-routes';
import { registerStripeWebhookRoute, STRIPE_WEBHOOK_PATH } from './interface/webhooks/stripe-webhook.route';

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

  // Opening a payment commits the row before Stripe is called (see SqlPaymentRepository / PaymentOpener).
  const openerDeps = (context: MessageContext) => ({
    payments: new SqlPaymentRepository(eachInOwnTransaction(unitOfWork), context),
    gateway,
    customers,
    clock,
    ids: uuidGenerator,
  });
  const readOnly = () => ({ payments: new SqlPaymentRepository(eachInOwnTransaction(unitOfWork), { correlationId: 'read-only' }) });

  const packsInOwnTransaction = { find: (code: string) => unitOfWork.transaction((tx) => new SqlTopUpPackRepository(tx).find(code)) };

  const openApi = new OpenApiRegistry();
  registerTopUpPackRoutes(runtime.http, openApi, {
    unitOfWork,
    createPack: (tx) => new CreateTopUpPackHandler({ packs: new SqlTopUpPackRepository(tx), clock }),
    changePack: (tx) => new ChangeTopUpPackHandler({ packs: new SqlTopUpPackRepository(tx), clock }),
    deactivatePack: (tx) => new DeactivateTopUpPackHandler({ packs: new SqlTopUpPackRepository(tx), clock }),
    listPacks: (tx) => new ListTopUpPacksHandler({ packs: new SqlTopUpPackRepository(tx) }),
  });
  registerPaymentRoutes(runtime.http, openApi, {
    unitOfWork,
    // The pack is read in a transaction of its own: the payment row must commit before Stripe is called.
    createTopUp: (request) => new CreateTopUpHandler({ ...openerDeps(request.messageContext), packs: packsInOwnTransaction }),
    getPayment: () => new GetPaymentHandler(readOnly()),
    findPayment: () => new FindPaymentByReferenceHandler(readOnly()),
    ...(stripeSettings.checkoutPageUrl ? { checkoutPageUrl: stripeSettings.checkoutPageUrl } : {}),
  });
  await registerStripeWebhookRoute(runtime.http, openApi, {
    webhookSecrets: webhookSecretsOf(stripeSettings),
    unitOfWork,
    handlerFor: (tx: SqlExecutor, context: MessageContext) =>
      new HandleGatewayWebhookHandler({
        payments: new SqlPaymentRepository(inTransaction(tx), context),
        processed: new SqlProcessedWebhookEvents(tx),
        gateway,
        clock,
      }),
    refundsOf: (chargeId) => gateway.refundsOfCharge(chargeId),
    flowContextOf: (intentId, eventId) => readOnly().payments.flowContextOf(intentId, eventId),
    logger: runtime.logger.child({ component: 'stripe-webhook' }),
  });
  openApi.serve(runtime.http, {
    title: 'Payment service',
    version: '1.0.0',
    description: 'Stripe PaymentIntents for subscription periods, upgrades and credit top-ups (bought by pack); the top-up catalogue; Stripe webhooks. Events: billing.payment.v1.',
  });

  const fromBeginning = overrides.consumersFromBeginning ?? true;
  const retry = overrides.consumerRetry ? { retry: overrides.consumerRetry } : {};
  runtime.addConsumer({
    consumer: SUBSCRIPTION_PAYMENTS_CONSUMER,
    topics: [SUBSCRIPTION_TOPIC],
    fromBeginning,
    ...retry,
    handlers: subscriptionPaymentHandlers({
      startSubscriptionPayment: (context) => new StartSubscriptionPaymentHandler(openerDeps(context)),
      chargeRenewal: (context) => new ChargeRenewalHandler(openerDeps(context)),
      chargeUpgrade: (context) => new ChargeUpgradeHandler(openerDeps(context)),
      logger: runtime.logger.child({ component: SUBSCRIPTION_PAYMENTS_CONSUMER }),
    }),
  });
  runtime.addConsumer({ consumer: CUSTOMER_GATEWAY_LINKS_CONSUMER, topics: [CUSTOMER_TOPIC], fromBeginning, ...retry, handlers: customerGatewayLinkHandlers() });

  await runtime.listen();
  const address = runtime.http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.httpPort;
  return { runtime, httpUrl: `http://127.0.0.1:${port}`, close: () => runtime.close() };
}
