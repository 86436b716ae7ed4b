import * as grpc from '@grpc/grpc-js';
import { assertCustomerScope, assertUnscoped, type GrpcCallContext, loadProto, type MessageContext, type ServiceTokens, unaryHandlers } from '@billing/platform';
import type { Logger } from 'pino';
import type { CustomerReadModel } from '../../application/customer.read-model';
import { grpcErrorStatus } from '../customer-error-status';
import type { CustomerUseCases, TransactionalCustomerUseCases } from '../customer-use-cases';

export const CUSTOMER_PROTO = 'billing/customer/v1/customer.proto';

// Field names as @grpc/proto-loader gives them with keepCase: false (camelCase).
interface CustomerMessage {
  id: string;
  externalAccountId: string;
  email: string;
  name: string;
  defaultCurrency: string;
  status: string;
  gatewayLinks: { gateway: string; gatewayCustomerId: string; linkedAt: string }[];
  createdAt: string;
  updatedAt: string;
}

/** proto3 strings cannot be null: "no name" is the empty string. */
export function toCustomerMessage(customer: CustomerReadModel): CustomerMessage {
  return {
    id: customer.id,
    externalAccountId: customer.externalAccountId,
    email: customer.email,
    name: customer.name ?? '',
    defaultCurrency: customer.defaultCurrency,
    status: customer.status,
    gatewayLinks: customer.gatewayLinks.map((link) => ({ ...link })),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}

/** A token scoped to one customer reads only that one: another customer is PERMISSION_DENIED with error-code FORBIDDEN. */
function visible(context: GrpcCallContext, customer: CustomerReadModel): CustomerMessage {
  assertCustomerScope(context.principal, customer.id);
  return toCustomerMessage(customer);
}

export interface CustomerGrpcDeps {
  readonly useCases: CustomerUseCases;
  readonly tokens: ServiceTokens;
  readonly logger: Logger;
}

const messageContextOf = (context: GrpcCallContext): MessageContext => ({
  correlationId: context.correlationId,
  ...(context.traceparent ? { traceparent: context.traceparent } : {}),
});

/** billing.customer.v1.CustomerService: lookups for other services, with the same service tokens as REST. */
export function registerCustomerGrpc(server: grpc.Server, deps: CustomerGrpcDeps): void {
  const { useCases } = deps;
  const proto = loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } };
  // Each method runs one use case in a transaction of its own, under the call's correlation id.
  const run = <T>(context: GrpcCallContext, work: (inTx: TransactionalCustomerUseCases) => Promise<T>) => useCases.transaction(messageContextOf(context), work);
  server.addService(
    proto.billing.customer.v1.CustomerService.service,
    unaryHandlers(
      { tokens: deps.tokens, logger: deps.logger, errorStatus: grpcErrorStatus },
      {
        GetCustomer: async (request: { customerId: string }, context) => {
          // Before anything is read: the id the caller names is enough to refuse it.
          assertCustomerScope(context.principal, request.customerId.toLowerCase());
          return toCustomerMessage(await run(context, (inTx) => inTx.get.execute({ customerId: request.customerId })));
        },
        GetCustomerByExternalId: async (request: { externalAccountId: string }, context) =>
          visible(context, await run(context, (inTx) => inTx.getByExternalId.execute({ externalAccountId: request.externalAccountId }))),
        GetCustomerByGatewayId: async (request: { gateway: string; gatewayCustomerId: string }, context) =>
          visible(context, await run(context, (inTx) => inTx.getByGatewayId.execute({ gateway: request.gateway, gatewayCustomerId: request.gatewayCustomerId }))),
        ListCustomers: async (request: { limit: number; cursor: string }, context) => {
          assertUnscoped(context.principal, 'list customers');
          // proto3 defaults: limit 0 and cursor "" mean "not given".
          const page = await run(context, (inTx) => inTx.list.execute({ limit: request.limit === 0 ? undefined : request.limit, cursor: request.cursor === '' ? null : request.cursor }));
          return { customers: page.data.map(toCustomerMessage), nextCursor: page.nextCursor ?? '' };
        },
      },
    ),
  );
}
