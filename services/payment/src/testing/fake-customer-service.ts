import * as grpc from '@grpc/grpc-js';
import { GrpcError, type GrpcServerTls, loadProto, ServiceTokens, silentLogger, startGrpcServer, unaryHandlers } from '@billing/platform';

/**
 * A stand-in for the customer service's gRPC API (billing.customer.v1.CustomerService/GetCustomer only), so the
 * payment service's fallback lookup runs over real gRPC in tests (over TLS with `tls`). `calls` counts GetCustomer requests.
 */
export async function startFakeCustomerService(token: string, tls?: GrpcServerTls) {
  const links = new Map<string, string>();
  const deactivated = new Set<string>();
  let calls = 0;
  const proto = loadProto('billing/customer/v1/customer.proto') as unknown as {
    billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } };
  };
  const handlers = unaryHandlers(
    { tokens: new ServiceTokens(`payment:${token}`), logger: silentLogger(), errorStatus: {} },
    {
      GetCustomer: async (request: { customerId: string }) => {
        calls += 1;
        const gatewayCustomerId = links.get(request.customerId);
        if (gatewayCustomerId === undefined) throw new GrpcError(grpc.status.NOT_FOUND, `no customer ${request.customerId}`);
        return {
          id: request.customerId,
          status: deactivated.has(request.customerId) ? 'deactivated' : 'active',
          gatewayLinks: [{ gateway: 'stripe', gatewayCustomerId, linkedAt: new Date().toISOString() }],
        };
      },
    },
  );
  const { server, port } = await startGrpcServer((s) => s.addService(proto.billing.customer.v1.CustomerService.service, handlers), 0, tls);
  return {
    // TLS checks the server's name, and an IP address is not a valid one (SNI).
    url: `${tls ? 'localhost' : '127.0.0.1'}:${port}`,
    link(customerId: string, gatewayCustomerId: string) {
      links.set(customerId, gatewayCustomerId);
    },
    deactivate(customerId: string) {
      deactivated.add(customerId);
    },
    get calls() {
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
