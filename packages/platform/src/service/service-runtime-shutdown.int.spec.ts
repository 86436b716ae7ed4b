import { expect } from 'chai';
import { freePort, testInfrastructure, type TestInfrastructure, uniqueName } from '@billing/testkit';
import { dropDatabase } from '../database/database-url';
import { ensureTopics } from '../kafka/ensure-topics';
import { MessagingTablesMigration } from '../messaging/messaging.migration';
import { silentLogger } from '../observability/logger';
import { ServiceRuntime } from './service-runtime';

describe('ServiceRuntime shutdown (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(90_000);
  let infra: TestInfrastructure;
  let runtime: ServiceRuntime;
  let database: string;

  beforeEach(async () => {
    infra = await testInfrastructure();
    database = uniqueName('billing_shutdown_test');
  });
  afterEach(async () => {
    await runtime?.close();
    await dropDatabase(infra.databaseUrl, database);
  });

  it('answers /readyz 503 first, finishes the request in flight with 200, then leaves its consumer group and ends', async () => {
    const service = uniqueName('shutdown-test').replaceAll('_', '-');
    const topic = `${service}.events`;
    const port = await freePort();
    runtime = await ServiceRuntime.create({
      settings: { service, database, httpPort: port, infrastructure: infra, serviceTokens: 'test:a-token-of-the-shutdown-test' },
      migrations: [MessagingTablesMigration],
      errorStatus: {},
      publicPaths: ['/slow'],
      logger: silentLogger(),
    });
    await ensureTopics(runtime.kafka, [topic]);
    runtime.addConsumer({ consumer: 'reaction', topics: [topic], handlers: {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    runtime.http.get('/slow', async () => {
      markStarted();
      await released;
      return { done: true };
    });
    await runtime.listen();
    await runtime.consumersFetching();
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    expect((await fetch(url('/readyz'))).status).to.equal(200);

    const order: string[] = [];
    const slow = fetch(url('/slow')).then(async (response) => {
      order.push(`slow ${response.status}`);
      return response.json();
    });
    await started;
    const drainMs = 1_000;
    const closed = runtime.close({ drainMs }).then(() => order.push('closed'));

    const readyz = await fetch(url('/readyz'));
    order.push(`readyz ${readyz.status}`);
    expect(await readyz.json()).to.deep.equal({ status: 'draining' });
    expect((await fetch(url('/healthz'))).status, 'still serving while balancers take it out').to.equal(200);

    await new Promise((resolve) => setTimeout(resolve, drainMs + 300));
    const refused = await fetch(url('/healthz')).then((response) => response.status === 503, () => true);
    expect(refused, 'no new request taken after the drain').to.equal(true);
    expect(order, 'still waiting for the request in flight').to.deep.equal(['readyz 503']);

    const releasedAt = Date.now();
    release();
    expect(await slow).to.deep.equal({ done: true });
    await closed;
    expect(order).to.deep.equal(['readyz 503', 'slow 200', 'closed']);
    // Not held by the answered request's keep-alive connection (72 s) nor by a consumer waiting out its session.
    const endedIn = (Date.now() - releasedAt) / 1000;
    process.stdout.write(`      ended ${endedIn.toFixed(1)} s after the last request was answered\n`);
    expect(endedIn).to.be.below(10);

    const admin = runtime.kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups([`${service}.reaction`]);
    await admin.disconnect();
    expect(groups[0]!.members, 'left its group: no member waits out a session timeout').to.deep.equal([]);
  });
});
