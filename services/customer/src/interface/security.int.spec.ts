import { loadProto } from '@billing/platform';
import { grpcAuthSweep, grpcMethods, restAuthSweep } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from '../testing/customer-service.test-harness';
import { CUSTOMER_PROTO } from './grpc/customer-grpc';

const CustomerService = (loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } }).billing.customer.v1.CustomerService;

describe('Customer service security (real PostgreSQL, Kafka and registry; Stripe = the local Stripe-compatible server)', function () {
  this.timeout(60_000);
  let harness: CustomerServiceHarness;
  let customerId: string;

  before(async () => {
    harness = await startCustomerServiceHarness();
    customerId = (await harness.http('POST', '/v1/customers', { body: registrationBody(), idempotencyKey: newKey() })).body.customer.id;
  });

  after(async () => {
    await harness?.close();
  });

  describe('when a call carries no token or an invalid one', () => {
    it('refuses every REST route with 401 UNAUTHENTICATED and writes nothing', async () => {
      const before = await harness.counts();
      const sweep = await restAuthSweep({ app: harness.service.runtime.http, baseUrl: harness.service.httpUrl, token: harness.token, publicPaths: ['/healthz', '/readyz', '/metrics', '/openapi.json'], params: { customerId } });
      expect(sweep.failures).to.deep.equal([]);
      expect(sweep.checked).to.equal(5 * 7);
      expect(await harness.counts()).to.deep.equal(before);
    });

    it('refuses every CustomerService method with UNAUTHENTICATED', async () => {
      const client = new CustomerService(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure());
      try {
        const sweep = await grpcAuthSweep({ client, methods: grpcMethods(CustomerService), token: harness.token });
        expect(sweep.failures).to.deep.equal([]);
        expect(sweep.checked).to.equal(grpcMethods(CustomerService).length * 7);
      } finally {
        client.close();
      }
    });
  });
});
