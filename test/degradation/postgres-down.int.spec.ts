import { randomUUID } from 'node:crypto';
import { AvroCodec, databaseUrlFor, deadLetterTopic, SchemaCatalog, type ServiceSettings } from '@billing/platform';
import { connectedProducer, eventually, publishEvent, startStripeTestServer, type StripeTestServer, testInfrastructure } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import type { RunningCreditService } from '../../services/credit/src/credit-service';
import type { RunningCustomerService } from '../../services/customer/src/customer-service';
import { CapturedLogs, grpcClient, newKey, registration, settingsFor, sleep, startCredit, startCustomer, timedGrpc, timedHttp } from './support/degradation-services';
import { type PrivatePostgres, startPrivatePostgres } from './support/private-postgres';

// Issue #8, degradation: with PostgreSQL down, /readyz says so and requests fail fast with 503 and a code; when it
// returns, the services recover without a restart. Customer and credit run on a PostgreSQL of the test's own (Kafka and
// the registry are the shared ones) so that stopping it takes nothing away from anyone else.

/** Far below knex's 60 s acquire timeout and pg's unbounded connect: the answer must not wait for either. */
const failFastMs = 2_000;
const unavailableBody = { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database is unavailable; retry later' } };

describe('Degradation: PostgreSQL down (customer and credit services on a private PostgreSQL)', function () {
  this.timeout(60_000);
  let postgres: PrivatePostgres;
  let stripe: StripeTestServer;
  let customer: RunningCustomerService;
  let credit: RunningCreditService;
  let creditSettings: ServiceSettings;
  let logs: CapturedLogs;
  let customerDb: pg.Pool;
  let creditDb: pg.Pool;
  let customerGrpc: grpc.Client;
  let creditGrpc: grpc.Client;
  let kafka: Kafka;
  let producer: Producer;
  let codec: AvroCodec;
  let known: { id: string };
  /** Registered with credit (by event) while PostgreSQL is down. */
  const lateCustomerId = randomUUID();

  const pool = (url: string, settings: ServiceSettings) => {
    const created = new pg.Pool({ connectionString: databaseUrlFor(url, settings.database), max: 2 });
    created.on('error', () => undefined); // its idle connections die with the server
    created.on('connect', (client) => client.on('error', () => undefined)); // and so may one being released
    return created;
  };
  const unpublished = async (db: pg.Pool) => Number((await db.query('select count(*) as n from outbox where published_at is null')).rows[0].n);

  before(async () => {
    const shared = await testInfrastructure();
    [postgres, stripe] = await Promise.all([startPrivatePostgres(), startStripeTestServer()]);
    const infrastructure = { ...shared, databaseUrl: postgres.url };
    logs = new CapturedLogs('customer');
    const customerSettings = settingsFor('customer', infrastructure);
    creditSettings = settingsFor('credit', infrastructure);
    [customer, credit] = await Promise.all([startCustomer(customerSettings, stripe, logs.logger), startCredit(creditSettings, false)]);
    customerDb = pool(postgres.url, customerSettings);
    creditDb = pool(postgres.url, creditSettings);
    customerGrpc = grpcClient('billing/customer/v1/customer.proto', 'CustomerService', customer.grpcPort);
    creditGrpc = grpcClient('billing/credit/v1/credit.proto', 'CreditService', credit.grpcPort);
    kafka = new Kafka({ brokers: shared.kafkaBrokers, clientId: 'degradation-test', logLevel: logLevel.NOTHING });
    producer = await connectedProducer(kafka);
    codec = new AvroCodec(shared.schemaRegistryUrl, SchemaCatalog.fromDirectory());
    await credit.runtime.consumersFetching();

    const registered = await timedHttp(customer.httpUrl, 'POST', '/v1/customers', registration(), newKey());
    expect(registered.status).to.equal(201);
    known = registered.body.customer;
  });

  after(async () => {
    customerGrpc?.close();
    creditGrpc?.close();
    await producer?.disconnect();
    await customerDb?.end().catch(() => undefined);
    await creditDb?.end().catch(() => undefined);
    await customer?.close().catch(() => undefined);
    await credit?.close().catch(() => undefined);
    await stripe?.close();
    await postgres?.dispose();
  });

  describe('when PostgreSQL hangs (its processes stopped: connections accepted, nothing answered)', () => {
    before(() => postgres.freeze());
    after(() => postgres.thaw());

    it('answers /readyz 503 once its database ping gives up (1.5 s), instead of hanging with it', async () => {
      for (const url of [customer.httpUrl, credit.httpUrl]) {
        const ready = await timedHttp(url, 'GET', '/readyz');
        expect(ready.status).to.equal(503);
        expect(ready.body).to.deep.include({ status: 'not_ready', unavailable: ['database'] });
        expect(ready.ms).to.be.within(1_400, 2_500);
      }
    });
  });

  describe('when PostgreSQL is down', () => {
    before(async () => {
      await postgres.stop();
    });

    it('answers /readyz 503 naming the database check, quickly', async () => {
      for (const url of [customer.httpUrl, credit.httpUrl]) {
        const ready = await timedHttp(url, 'GET', '/readyz');
        expect(ready.status).to.equal(503);
        expect(ready.body).to.deep.equal({ status: 'not_ready', checks: { database: false, kafka: true, registry: true }, unavailable: ['database'], degraded: [] });
        expect(ready.ms).to.be.below(failFastMs);
      }
    });

    it('answers REST reads and writes 503 DATABASE_UNAVAILABLE with Retry-After, quickly and without a stack', async () => {
      const answers = [
        await timedHttp(customer.httpUrl, 'GET', `/v1/customers/${known.id}`),
        await timedHttp(customer.httpUrl, 'GET', '/v1/customers?limit=5'),
        await timedHttp(customer.httpUrl, 'POST', '/v1/customers', registration(), newKey()),
        await timedHttp(customer.httpUrl, 'PATCH', `/v1/customers/${known.id}`, { name: 'Ada King' }, newKey()),
        await timedHttp(credit.httpUrl, 'GET', `/v1/accounts/${known.id}/balance`),
        await timedHttp(credit.httpUrl, 'POST', `/v1/accounts/${known.id}/grants`, { amount: 100, source: { type: 'MANUAL', id: newKey() } }, newKey()),
        await timedHttp(credit.httpUrl, 'POST', `/v1/accounts/${known.id}/reservations`, { amount: 1, ttlSeconds: 60 }, newKey()),
      ];
      for (const answer of answers) {
        expect(answer.body).to.deep.equal(unavailableBody);
        expect(answer.status).to.equal(503);
        expect(answer.headers.get('retry-after')).to.equal('1');
        expect(answer.ms).to.be.below(failFastMs);
      }
      console.log(`      REST with PostgreSQL down: ${answers.map((answer) => `${Math.round(answer.ms)} ms`).join(', ')}`);
    });

    it('answers gRPC UNAVAILABLE with the DATABASE_UNAVAILABLE code, quickly', async () => {
      const outcomes = [
        await timedGrpc(customerGrpc, 'GetCustomer', { customerId: known.id }),
        await timedGrpc(creditGrpc, 'GetBalance', { customerId: known.id }),
        await timedGrpc(creditGrpc, 'Reserve', { customerId: known.id, amount: 1, ttlSeconds: 60, idempotencyKey: newKey() }),
      ];
      for (const outcome of outcomes) {
        expect(outcome).to.deep.include({ code: grpc.status.UNAVAILABLE, errorCode: 'DATABASE_UNAVAILABLE' });
        expect(outcome.ms).to.be.below(failFastMs);
      }
      console.log(`      gRPC with PostgreSQL down: ${outcomes.map((outcome) => `${Math.round(outcome.ms)} ms`).join(', ')}`);
    });

    it('holds a consumed event until the database returns instead of dead-lettering it', async () => {
      await publishEvent(
        producer,
        codec,
        'CustomerRegistered',
        { customerId: lateCustomerId, externalAccountId: lateCustomerId, email: 'late@example.com', name: null, defaultCurrency: 'EUR', occurredAt: new Date().toISOString() },
        { key: lateCustomerId },
      );
      // Past the handler's whole retry budget (5 attempts, 200 ms doubling: ~3 s), after which it used to dead-letter.
      await sleep(4_000);
    });

    it('stays alive, logs the outage as a warning and never as an unhandled error', async () => {
      expect((await timedHttp(customer.httpUrl, 'GET', '/healthz')).status).to.equal(200);
      expect((await timedHttp(credit.httpUrl, 'GET', '/healthz')).status).to.equal(200);
      // Metrics still scrape; the outbox backlog, which needs the database, is unknown meanwhile.
      const metrics = await timedHttp(customer.httpUrl, 'GET', '/metrics');
      expect(metrics.status).to.equal(200);
      expect(metrics.body).to.contain('http_request_duration_seconds');
      expect(metrics.body).to.match(/^outbox_backlog_rows nan$/im); // prom-client writes "Nan"; Prometheus parses it
      expect(logs.messages()).to.include('database unavailable');
      expect(logs.messages()).not.to.include('unhandled error');
      expect(logs.messages()).not.to.include('unhandled gRPC error');
    });
  });

  describe('when PostgreSQL is back', () => {
    before(async () => {
      await postgres.start();
    });

    it('is ready again and takes reads and writes without a restart', async () => {
      for (const url of [customer.httpUrl, credit.httpUrl]) {
        const ready = await eventually(() => timedHttp(url, 'GET', '/readyz'), (answer) => answer.status === 200, 15_000, 200);
        expect(ready.body).to.deep.include({ status: 'ready', degraded: [] });
      }
      expect((await timedHttp(customer.httpUrl, 'GET', `/v1/customers/${known.id}`)).status).to.equal(200);
      const written = await timedHttp(customer.httpUrl, 'POST', '/v1/customers', registration(), newKey());
      expect(written.status).to.equal(201);
      expect((await timedGrpc(customerGrpc, 'GetCustomer', { customerId: written.body.customer.id })).code).to.equal(grpc.status.OK);
    });

    it('applies the event that waited, and dead-letters nothing', async () => {
      const opened = await eventually(() => creditDb.query('select 1 from credit_accounts where customer_id = $1', [lateCustomerId]), (result) => result.rowCount === 1, 15_000, 200);
      expect(opened.rowCount).to.equal(1);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(deadLetterTopic('billing.customer.v1', `credit.grants.${creditSettings.instance}`));
        expect(offsets.map((partition) => partition.high)).to.deep.equal(offsets.map(() => '0'));
      } finally {
        await admin.disconnect();
      }
    });

    it('takes credit writes again (the hot path pool recovered too)', async () => {
      const granted = await timedHttp(credit.httpUrl, 'POST', `/v1/accounts/${lateCustomerId}/grants`, { amount: 100, source: { type: 'MANUAL', id: newKey() } }, newKey());
      expect(granted.status).to.equal(201);
      const reserved = await timedGrpc(creditGrpc, 'Reserve', { customerId: lateCustomerId, amount: 1, ttlSeconds: 60, idempotencyKey: newKey() });
      expect(reserved.code).to.equal(grpc.status.OK);
    });

    it('publishes what was written: the relays reconnected', async () => {
      for (const db of [customerDb, creditDb]) expect(await eventually(() => unpublished(db), (n) => n === 0, 15_000, 200)).to.equal(0);
    });
  });
});
