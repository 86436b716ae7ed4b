import { databaseUrlFor, dropDatabase, type ServiceSettings } from '@billing/platform';
import { eventually, type RegistryProxy, registryProxy, startStripeTestServer, type StripeTestServer, testInfrastructure } from '@billing/testkit';
import { expect } from 'chai';
import pg from 'pg';
import type { RunningCustomerService } from '../../services/customer/src/customer-service';
import { CapturedLogs, newKey, registration, settingsFor, startCustomer, timedHttp } from './support/degradation-services';

// Degradation: a service started while the schema registry does not answer starts and takes writes (their events wait
// in the outbox); once the registry answers it registers its schemas and the relay publishes the backlog. The customer
// service reaches the shared registry through a proxy the test closes and opens; PostgreSQL and Kafka are the shared ones.

describe('Degradation: schema registry down at start (customer service behind a registry proxy)', function () {
  this.timeout(60_000);
  let registry: RegistryProxy;
  let stripe: StripeTestServer;
  let settings: ServiceSettings;
  let customer: RunningCustomerService | undefined;
  let db: pg.Pool;
  let logs: CapturedLogs;
  const registered: string[] = [];
  const unpublished = async () =>
    Number((await db.query<{ n: string }>('select count(*) as n from outbox where published_at is null and aggregate_id = any($1)', [registered])).rows[0]!.n);

  before(async () => {
    const shared = await testInfrastructure();
    [registry, stripe] = await Promise.all([registryProxy(shared.schemaRegistryUrl), startStripeTestServer()]);
    await registry.down();
    settings = settingsFor('customer', { ...shared, schemaRegistryUrl: registry.url });
    db = new pg.Pool({ connectionString: databaseUrlFor(shared.databaseUrl, settings.database), max: 2 });
    logs = new CapturedLogs('customer');
  });

  after(async () => {
    await customer?.close();
    await db?.end();
    if (settings) await dropDatabase(settings.infrastructure.databaseUrl, settings.database);
    await stripe?.close();
    await registry?.close();
  });

  it('starts without the registry, says why, and reports it degraded', async () => {
    customer = await startCustomer(settings, stripe, logs.logger);
    expect(logs.messages()).to.include('schema registry does not answer: serving; the schemas are checked and registered once it answers');
    const ready = await timedHttp(customer.httpUrl, 'GET', '/readyz');
    expect([ready.status, ready.body]).to.deep.equal([200, { status: 'degraded', checks: { database: true, kafka: true, registry: false }, degraded: ['registry'] }]);
  });

  it('takes writes; their events wait in the outbox', async () => {
    for (let i = 0; i < 3; i += 1) {
      const answer = await timedHttp(customer!.httpUrl, 'POST', '/v1/customers', registration(), newKey());
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      registered.push(answer.body.customer.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // CustomerRegistered and PaymentGatewayLinked per registration.
    expect(await unpublished()).to.equal(6);
  });

  it('registers its schemas and publishes the backlog once the registry answers', async () => {
    await registry.up();
    expect(await eventually(unpublished, (n) => n === 0, 30_000, 250)).to.equal(0);
    // The relay registers what it encodes itself; the retry, every 5 s, checks and registers the whole catalogue.
    const registeredLine = 'schemas registered: the schema registry answers again';
    expect(await eventually(() => Promise.resolve(logs.messages(30)), (messages) => messages.includes(registeredLine), 10_000, 250)).to.include(registeredLine);
    const ready = await eventually(
      () => timedHttp(customer!.httpUrl, 'GET', '/readyz'),
      (answer) => answer.body?.status === 'ready',
      10_000,
      250,
    );
    expect(ready.body.checks).to.deep.equal({ database: true, kafka: true, registry: true });
  });
});
