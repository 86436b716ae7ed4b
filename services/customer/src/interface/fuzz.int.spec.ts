import { loadProto } from '@billing/platform';
import {
  describeHttpCase,
  endpointName,
  fuzzEndpoint,
  fuzzGrpcMethod,
  type GrpcMethodCases,
  grpcMethods,
  httpFuzzSender,
  invalidHttpRequests,
  registeredWriteRoutes,
  tableRowCounts,
  type WriteEndpoint,
} from '@billing/platform/testing';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { MAX_LIST_LIMIT } from '../application/queries/list-customers/list-customers.query';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from '../testing/customer-service.test-harness';
import { CUSTOMER_PROTO } from './grpc/customer-grpc';
import { registerCustomerBody, updateCustomerBody } from './http/customer-schemas';

// 1,000 invalid requests per REST write route and per CustomerService method, against a registered, linked customer:
// every answer must be a coded 4xx / client-error status, and no table may change.

const CustomerService = (loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } }).billing.customer.v1.CustomerService;

describe('Customer service interface (real PostgreSQL, Kafka and registry; Stripe = the local Stripe-compatible server)', function () {
  this.timeout(120_000);
  let harness: CustomerServiceHarness;
  let client: grpc.Client;
  let customer: { id: string; externalAccountId: string; gatewayLinks: { gatewayCustomerId: string }[] };
  const rowCounts = () => tableRowCounts(harness.pool);

  before(async () => {
    harness = await startCustomerServiceHarness();
    const registered = await harness.http('POST', '/v1/customers', { body: registrationBody(), idempotencyKey: newKey() });
    if (registered.body.gatewayLink !== 'linked') throw new Error(`customer not registered and linked: ${JSON.stringify(registered.body)}`);
    customer = registered.body.customer;
    client = new CustomerService(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await harness?.close();
  });

  const restEndpoints = (): WriteEndpoint[] => [
    { method: 'POST', url: '/v1/customers', body: { schema: registerCustomerBody, valid: registrationBody() } },
    { method: 'PATCH', url: '/v1/customers/:customerId', params: { customerId: customer.id }, body: { schema: updateCustomerBody, valid: { name: 'Ada', defaultCurrency: 'USD' } } },
    { method: 'POST', url: '/v1/customers/:customerId/deactivate', params: { customerId: customer.id } },
  ];

  // What each method must accept (so it is never generated): the contract in proto/billing/customer/v1/customer.proto.
  const grpcCases = (): Record<string, GrpcMethodCases> => ({
    GetCustomer: { valid: { customerId: customer.id }, accepts: (m) => m.customerId.toLowerCase() === customer.id },
    GetCustomerByExternalId: { valid: { externalAccountId: customer.externalAccountId }, accepts: (m) => m.externalAccountId.trim() === customer.externalAccountId },
    GetCustomerByGatewayId: {
      valid: { gateway: 'stripe', gatewayCustomerId: customer.gatewayLinks[0]!.gatewayCustomerId },
      accepts: (m) => m.gateway === 'stripe' && m.gatewayCustomerId === customer.gatewayLinks[0]!.gatewayCustomerId,
    },
    ListCustomers: {
      valid: { limit: 10, cursor: '' },
      // A cursor is base64url of "v1|…": anything that decodes to that prefix might be one, so it is never generated.
      accepts: (m) => m.limit >= 0 && m.limit <= MAX_LIST_LIMIT && (m.cursor === '' || Buffer.from(m.cursor, 'base64url').toString('utf8').startsWith('v1|')),
    },
  });

  describe('when every write route gets 1,000 invalid requests', () => {
    it('fuzzes exactly the write routes the server registers', () => {
      expect(restEndpoints().map(endpointName)).to.have.members(registeredWriteRoutes(harness.service.runtime.http).map(endpointName));
    });

    for (const name of ['POST /v1/customers', 'PATCH /v1/customers/:customerId', 'POST /v1/customers/:customerId/deactivate']) {
      it(`answers ${name} with a coded 4xx and writes nothing`, async () => {
        const endpoint = restEndpoints().find((candidate) => endpointName(candidate) === name)!;
        const report = await fuzzEndpoint({ name, cases: invalidHttpRequests(endpoint), send: httpFuzzSender(harness.service.httpUrl, harness.token), describe: describeHttpCase, rowCounts });
        expect(report.serverErrors).to.equal(0);
      });
    }
  });

  describe('when every CustomerService method gets 1,000 invalid messages', () => {
    it('fuzzes exactly the methods of the service', () => {
      expect(Object.keys(grpcCases())).to.have.members(grpcMethods(CustomerService).map((method) => method.name));
    });

    for (const method of grpcMethods(CustomerService)) {
      it(`answers ${method.name} with a coded client error and writes nothing`, async () => {
        const report = await fuzzGrpcMethod({ method, cases: grpcCases()[method.name]!, client: client, token: harness.token, rowCounts });
        expect(report.serverErrors).to.equal(0);
      });
    }
  });
});
