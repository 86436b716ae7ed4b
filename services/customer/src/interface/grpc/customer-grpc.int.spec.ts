import * as grpc from '@grpc/grpc-js';
import { loadProto } from '@billing/platform';
import { expect } from 'chai';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from '../../testing/customer-service.test-harness';
import { CUSTOMER_PROTO } from './customer-grpc';

// A client built from proto/billing/customer/v1/customer.proto alone, as another service would build it.
type Callback = (error: grpc.ServiceError | null, response?: Record<string, unknown>) => void;
type Method = (request: Record<string, unknown>, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback) => void;
type CustomerServiceClient = grpc.Client & Record<'GetCustomer' | 'GetCustomerByExternalId' | 'GetCustomerByGatewayId' | 'ListCustomers', Method>;

describe('gRPC billing.customer.v1.CustomerService (real service, client from the proto)', function () {
  this.timeout(60_000);
  let harness: CustomerServiceHarness;
  let client: CustomerServiceClient;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let registered: any;

  before(async () => {
    harness = await startCustomerServiceHarness();
    const proto = loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } };
    client = new proto.billing.customer.v1.CustomerService(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure()) as unknown as CustomerServiceClient;
    const answer = await harness.http('POST', '/v1/customers', { body: registrationBody({ name: null }), idempotencyKey: newKey() });
    expect(answer.body.gatewayLink).to.equal('linked');
    registered = answer.body.customer;
  });
  after(async () => {
    client?.close();
    await harness?.close();
  });

  function call(method: keyof Pick<CustomerServiceClient, 'GetCustomer' | 'GetCustomerByExternalId' | 'GetCustomerByGatewayId' | 'ListCustomers'>, request: Record<string, unknown>, token: string | null = harness.token) {
    const metadata = new grpc.Metadata();
    if (token !== null) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<{ error: grpc.ServiceError | null; response?: Record<string, unknown> }>((resolve) =>
      client[method](request, metadata, { deadline: Date.now() + 5_000 }, (error, response) => resolve({ error, ...(response ? { response } : {}) })),
    );
  }

  const expected = () => ({
    id: registered.id,
    externalAccountId: registered.externalAccountId,
    email: registered.email,
    name: '',
    defaultCurrency: registered.defaultCurrency,
    status: 'active',
    gatewayLinks: registered.gatewayLinks,
    createdAt: registered.createdAt,
    updatedAt: registered.updatedAt,
  });

  it('finds the customer by id, by external id and by gateway id', async () => {
    const byId = await call('GetCustomer', { customerId: registered.id });
    const byExternal = await call('GetCustomerByExternalId', { externalAccountId: registered.externalAccountId });
    const byGateway = await call('GetCustomerByGatewayId', { gateway: 'stripe', gatewayCustomerId: registered.gatewayLinks[0].gatewayCustomerId });
    for (const { error, response } of [byId, byExternal, byGateway]) {
      expect(error).to.equal(null);
      expect(response).to.deep.equal(expected());
    }
  });

  it('lists customers with a cursor', async () => {
    await harness.http('POST', '/v1/customers', { body: registrationBody(), idempotencyKey: newKey() });
    const first = await call('ListCustomers', { limit: 1 });
    expect(first.error).to.equal(null);
    expect((first.response!.customers as unknown[]).length).to.equal(1);
    expect(first.response!.nextCursor).to.be.a('string').and.not.equal('');
    const second = await call('ListCustomers', { limit: 1, cursor: first.response!.nextCursor });
    expect(second.error).to.equal(null);
    expect((second.response!.customers as { id: string }[])[0]!.id).to.not.equal((first.response!.customers as { id: string }[])[0]!.id);
  });

  it('answers NOT_FOUND for unknown customers, with the code in the error-code trailer', async () => {
    for (const [method, request] of [
      ['GetCustomer', { customerId: '99999999-9999-4999-8999-999999999999' }],
      ['GetCustomerByExternalId', { externalAccountId: 'nobody_here' }],
      ['GetCustomerByGatewayId', { gateway: 'stripe', gatewayCustomerId: 'cus_Unknown' }],
    ] as const) {
      const { error } = await call(method, request);
      expect([method, error?.code]).to.deep.equal([method, grpc.status.NOT_FOUND]);
      expect(error!.metadata.get('error-code')).to.deep.equal(['CUSTOMER_NOT_FOUND']);
    }
  });

  it('answers INVALID_ARGUMENT for malformed ids', async () => {
    for (const [method, request, code] of [
      ['GetCustomer', { customerId: 'not-a-uuid' }, 'INVALID_CUSTOMER_ID'],
      ['GetCustomer', {}, 'INVALID_CUSTOMER_ID'],
      ['GetCustomerByExternalId', { externalAccountId: 'has space' }, 'INVALID_EXTERNAL_ACCOUNT_ID'],
      ['GetCustomerByGatewayId', { gateway: 'paypal', gatewayCustomerId: 'cus_1' }, 'INVALID_PAYMENT_GATEWAY'],
      ['GetCustomerByGatewayId', { gateway: 'stripe', gatewayCustomerId: 'not-a-stripe-id' }, 'INVALID_GATEWAY_CUSTOMER_ID'],
      ['ListCustomers', { limit: 101 }, 'INVALID_LIMIT'],
      ['ListCustomers', { cursor: 'garbage' }, 'INVALID_CURSOR'],
    ] as const) {
      const { error } = await call(method, request);
      expect([method, code, error?.code]).to.deep.equal([method, code, grpc.status.INVALID_ARGUMENT]);
      expect(error!.metadata.get('error-code')).to.deep.equal([code]);
    }
  });

  it('answers UNAUTHENTICATED without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token-wrong-token-wrong', '']) {
      const { error } = await call('GetCustomer', { customerId: registered.id }, token);
      expect(error?.code).to.equal(grpc.status.UNAUTHENTICATED);
    }
  });

  it('answers PERMISSION_DENIED / FORBIDDEN to a token scoped to another customer, on every method', async () => {
    for (const [method, request] of [
      ['GetCustomer', { customerId: registered.id }],
      ['GetCustomerByExternalId', { externalAccountId: registered.externalAccountId }],
      ['GetCustomerByGatewayId', { gateway: 'stripe', gatewayCustomerId: registered.gatewayLinks[0].gatewayCustomerId }],
      ['ListCustomers', {}],
    ] as const) {
      const { error } = await call(method, request, harness.scopedToken);
      expect([method, error?.code]).to.deep.equal([method, grpc.status.PERMISSION_DENIED]);
      expect(error!.metadata.get('error-code')).to.deep.equal(['FORBIDDEN']);
    }
  });

  it("lets a scoped token read its own customer (unknown: NOT_FOUND, not FORBIDDEN)", async () => {
    const own = await call('GetCustomer', { customerId: harness.scopedCustomerId }, harness.scopedToken);
    expect(own.error?.code).to.equal(grpc.status.NOT_FOUND);
    expect(own.error!.metadata.get('error-code')).to.deep.equal(['CUSTOMER_NOT_FOUND']);
  });
});
