import { GrpcError, loadProto, ServiceTokens, silentLogger, startGrpcServer, unaryHandlers } from '@billing/platform';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { createCustomerClient, type CustomerClient, NotFound } from '../index';

class CustomerNotFound extends Error {
  readonly code = 'CUSTOMER_NOT_FOUND';
}

describe('createCustomerClient', () => {
  const token = `customer-test-${crypto.randomUUID()}`;
  const ada = {
    id: crypto.randomUUID(),
    externalAccountId: 'acct-ada',
    email: 'ada@example.com',
    name: 'Ada',
    defaultCurrency: 'EUR',
    status: 'active',
    gatewayLinks: [{ gateway: 'stripe', gatewayCustomerId: 'cus_1', linkedAt: '2026-12-01T00:00:00.000Z' }],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
  let server: grpc.Server;
  let customers: CustomerClient;
  let unavailableAnswers = 0;
  let calls = 0;

  before(async () => {
    const proto = loadProto('billing/customer/v1/customer.proto') as any;
    const find = (match: boolean) => {
      calls += 1;
      if (unavailableAnswers > 0) {
        unavailableAnswers -= 1;
        throw new GrpcError(grpc.status.UNAVAILABLE, 'restarting');
      }
      if (!match) throw new CustomerNotFound('no such customer');
      return ada;
    };
    ({ server } = await startGrpcServer(
      (grpcServer) =>
        grpcServer.addService(
          proto.billing.customer.v1.CustomerService.service,
          unaryHandlers(
            { tokens: new ServiceTokens(`test:${token}`), logger: silentLogger(), errorStatus: { CUSTOMER_NOT_FOUND: grpc.status.NOT_FOUND } },
            {
              GetCustomer: async (request) => find(request.customerId === ada.id),
              GetCustomerByExternalId: async (request) => find(request.externalAccountId === ada.externalAccountId),
            },
          ),
        ),
      0,
    ).then((started) => {
      customers = createCustomerClient({ url: `127.0.0.1:${started.port}`, token }, { random: () => 0, sleep: async () => undefined });
      return started;
    }));
  });

  after(async () => {
    customers.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  it('finds a customer by id and by the product’s own account id, gateway links included', async () => {
    expect(await customers.getCustomer(ada.id)).to.deep.equal(ada);
    expect(await customers.getCustomerByExternalId('acct-ada')).to.deep.equal(ada);
  });

  it('throws NotFound with the service code for an unknown customer', async () => {
    const error = await customers.getCustomer(crypto.randomUUID()).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(NotFound).and.include({ code: 'CUSTOMER_NOT_FOUND', grpcStatus: grpc.status.NOT_FOUND });
  });

  it('retries a lookup answered UNAVAILABLE', async () => {
    unavailableAnswers = 2;
    calls = 0;
    expect(await customers.getCustomerByExternalId('acct-ada')).to.include({ id: ada.id });
    expect(calls).to.equal(3);
  });
});
