import * as grpc from '@grpc/grpc-js';
import { loadProto } from '@billing/platform';
import { eventually } from '@billing/testkit';
import { expect } from 'chai';
import { CUSTOMER_PROTO } from './interface/grpc/customer-grpc';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from './testing/customer-service.test-harness';

describe('Customer service lifecycle', function () {
  this.timeout(60_000);
  let harness: CustomerServiceHarness;

  before(async () => {
    harness = await startCustomerServiceHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it('answers health, readiness (database, Kafka, registry) and metrics without a token', async () => {
    expect((await harness.http('GET', '/healthz', { token: null })).body).to.deep.equal({ status: 'ok', service: 'customer' });
    const ready = await harness.http('GET', '/readyz', { token: null });
    expect([ready.status, ready.body.checks]).to.deep.equal([200, { database: true, kafka: true, registry: true }]);
    const metrics = await harness.http('GET', '/metrics', { token: null });
    expect(metrics.body).to.contain('customer_gateway_links_pending').and.contain('http_request_duration_seconds');
  });

  it('shuts down gracefully: stops taking requests and gRPC calls; committed events stay in the outbox and the next start publishes them', async () => {
    const registered = await harness.http('POST', '/v1/customers', { body: registrationBody(), idempotencyKey: newKey() });
    expect(registered.status).to.equal(201);
    // SIGINT then SIGTERM (Ctrl-C under npm start) closes twice: the second waits for the first.
    await Promise.all([harness.stopService(), harness.service.close()]);

    // The relay finishes the batch in hand; anything committed after it stays in the outbox, never lost.
    expect(await harness.outboxEventTypes(registered.body.customer.id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);

    const http = await fetch(`${harness.service.httpUrl}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(http).to.equal('refused');
    const proto = loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } };
    const client = new proto.billing.customer.v1.CustomerService(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure());
    const code = await new Promise<number | undefined>((resolve) =>
      (client as unknown as Record<string, (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void>).GetCustomer!(
        { customerId: registered.body.customer.id },
        new grpc.Metadata(),
        { deadline: Date.now() + 1_000 },
        (error) => resolve(error?.code),
      ),
    );
    client.close();
    expect(code).to.be.oneOf([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

    const again = await harness.startAnother();
    try {
      const unpublished = await eventually(
        async () => (await harness.pool.query<{ n: number }>('select count(*)::int as n from outbox where published_at is null')).rows[0]!.n,
        (n) => n === 0,
        15_000,
      );
      expect(unpublished).to.equal(0);
    } finally {
      await again.close();
    }
  });
});
