import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger, dropDatabase, serviceSettingsFromEnv } from '@billing/platform';
import {
  connectedProducer,
  eventually,
  publishEvent,
  restAuthSweep,
  type SelfSignedCertificate,
  selfSignedCertificate,
  signWebhook,
  startStripeTestServer,
  type StripeTestServer,
  tableRowCounts,
  testInfrastructure,
  uniqueName,
} from '@billing/testkit';
import { expect } from 'chai';
import pg from 'pg';
import Stripe from 'stripe';
import { type PaymentService, startPaymentService } from '../payment-service';
import { startFakeCustomerService } from '../testing/fake-customer-service';
import { STRIPE_WEBHOOK_PATH } from './webhooks/stripe-webhook.route';

// The payment service configured as a deployment is: every secret from the environment (service tokens, the Stripe key,
// the webhook secret, the customer service's token), the customer service reached over gRPC with TLS, production's
// logger at debug level writing into this test.

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('hex')}`;

describe('Payment service security (PostgreSQL, Kafka, Stripe test server; the customer service over gRPC with TLS)', function () {
  this.timeout(120_000);
  const token = secret('tok_');
  const stripeKey = secret('sk_test_');
  const webhookSecret = secret('whsec_');
  const customerToken = secret('customer_');
  const logLines: string[] = [];
  let certificate: SelfSignedCertificate;
  let stripeServer: StripeTestServer;
  let customerService: Awaited<ReturnType<typeof startFakeCustomerService>>;
  let service: PaymentService;
  let pool: pg.Pool;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const infra = await testInfrastructure();
    certificate = selfSignedCertificate();
    stripeServer = await startStripeTestServer({ apiKey: stripeKey });
    customerService = await startFakeCustomerService(customerToken, { certFile: certificate.certFile, keyFile: certificate.keyFile });
    env = {
      SERVICE_TOKENS: `tests:${token}`,
      STRIPE_SECRET_KEY: stripeKey,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_HOST: stripeServer.host,
      STRIPE_API_PORT: String(stripeServer.port),
      STRIPE_API_PROTOCOL: stripeServer.protocol,
      CUSTOMER_GRPC_URL: customerService.url,
      CUSTOMER_SERVICE_TOKEN: customerToken,
      GRPC_TLS_CA_FILE: certificate.certFile,
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      DATABASE_NAME: uniqueName('billing_payment_test'),
      HTTP_PORT: '0',
    };
    const settings = serviceSettingsFromEnv({ service: uniqueName('payment'), database: 'billing_payment', httpPort: 3003 }, env);
    const logger = createLogger(settings.service, 'debug', { write: (line: string) => void logLines.push(line) });
    service = await startPaymentService(settings, { env, logger, consumersFromBeginning: false, consumerRetry: { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 500 } });
    pool = new pg.Pool({ connectionString: service.runtime.databaseUrl, max: 2 });
  });

  after(async () => {
    await service?.close();
    await pool?.end();
    if (env?.DATABASE_NAME) await dropDatabase(env.DATABASE_URL!, env.DATABASE_NAME);
    await customerService?.close();
    await stripeServer?.close();
    certificate?.remove();
  });

  const api = async (method: string, path: string, options: { body?: unknown; token?: string } = {}) => {
    const response = await fetch(`${service.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token ?? token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  describe('when a call carries no token or an invalid one', () => {
    it('refuses every REST route but the signed webhook with 401 UNAUTHENTICATED, and writes nothing', async () => {
      const before = await tableRowCounts(pool);
      const sweep = await restAuthSweep({ app: service.runtime.http, baseUrl: service.httpUrl, token, publicPaths: ['/healthz', '/readyz', '/metrics', '/openapi.json', STRIPE_WEBHOOK_PATH] });
      expect(sweep.failures).to.deep.equal([]);
      expect(sweep.checked).to.equal(9 * 7);
      expect(await tableRowCounts(pool)).to.deep.equal(before);
    });
  });

  describe('when secrets come from the environment and a run logs at debug level', () => {
    it('never writes the service token, the Stripe key, the webhook secret or the customer service token to the log', async () => {
      // A top-up for a customer only the customer service knows: the lookup goes over gRPC with TLS.
      const stripe = new Stripe(stripeKey, { ...stripeServer.clientOptions, maxNetworkRetries: 0 });
      const customerId = randomUUID();
      customerService.link(customerId, (await stripe.customers.create({ email: `${customerId}@example.com` })).id);
      stripeServer.addWebhookEndpoint(`${service.httpUrl}${STRIPE_WEBHOOK_PATH}`, webhookSecret);
      const pack = await api('POST', '/v1/top-up-packs', { body: { code: 'credits-100', credits: 100, prices: [{ amount: 1_000, currency: 'EUR' }] } });
      expect(pack.status, JSON.stringify(pack.body)).to.equal(201);
      const created = await api('POST', '/v1/top-ups', { body: { customerId, packCode: 'credits-100', currency: 'EUR' } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(customerService.calls).to.be.greaterThan(0);
      // The customer pays; Stripe delivers the signed payment_intent.succeeded and the payment follows it.
      await stripe.paymentIntents.confirm(created.body.gatewayPaymentIntentId, { payment_method: 'pm_card_visa' });
      await stripeServer.flushWebhooks();
      expect((await api('GET', `/v1/payments/${created.body.paymentId}`)).body.status).to.equal('succeeded');
      // Refusals and failures log too: a forged webhook, a wrong token, an unknown customer, Stripe down.
      const forged = JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', created: 1, data: { object: {} } });
      const webhook = await fetch(`${service.httpUrl}${STRIPE_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(forged, secret('whsec_')) }, body: forged });
      expect(webhook.status).to.equal(400);
      expect((await api('GET', '/v1/payments', { token: `${token}x` })).status).to.equal(401);
      expect((await api('POST', '/v1/top-ups', { body: { customerId: randomUUID(), packCode: 'credits-100', currency: 'EUR' } })).status).to.equal(409);
      await stripeServer.setDown(true, 'http-500');
      const linkedElsewhere = randomUUID();
      customerService.link(linkedElsewhere, 'cus_down');
      expect((await api('POST', '/v1/top-ups', { body: { customerId: linkedElsewhere, packCode: 'credits-100', currency: 'EUR' } })).status).to.be.within(500, 599);
      await stripeServer.setDown(false);
      stripeServer.removeWebhookEndpoints();

      // An event consumed from Kafka (applied events are logged at debug level).
      const linked = randomUUID();
      await service.runtime.consumersFetching();
      const producer = await connectedProducer(service.runtime.kafka);
      await publishEvent(producer, service.runtime.codec, 'PaymentGatewayLinked', { customerId: linked, externalAccountId: linked, gateway: 'stripe', gatewayCustomerId: 'cus_linked', occurredAt: new Date().toISOString() }, { key: linked });
      await producer.disconnect();
      const link = await eventually(() => pool.query('select 1 from customer_gateway_links where customer_id = $1', [linked]), (result) => result.rowCount === 1);
      expect(link.rowCount, 'PaymentGatewayLinked consumed').to.equal(1);

      const log = logLines.join('');
      // Requests, webhooks and (at debug level) consumed events were all logged.
      for (const line of ['"msg":"request"', '"msg":"stripe event"', '"level":20,']) expect(log, `the run logged ${line}`).to.include(line);
      for (const [name, value] of Object.entries({ 'the service token': token, 'the Stripe key': stripeKey, 'the webhook secret': webhookSecret, 'the customer service token': customerToken })) {
        expect(log.includes(value), `${name} is in the log`).to.equal(false);
      }
    });
  });
});
