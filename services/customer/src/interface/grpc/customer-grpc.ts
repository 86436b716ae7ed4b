import * as grpc from '@grpc/grpc-js';
import { canActFor, type GrpcCallContext, GrpcError, loadProto, type ServiceTokens, unaryHandlers } from '@billing/platform';
import type { Logger } from 'pino';
import type { CustomerReadModel } from '../../application/customer.read-model';
import { CustomerNotFoundError } from '../../domain/customer.errors';
import { withMessageContext } from '../../infrastructure/message-context';
import { grpcErrorStatus } from '../customer-error-status';
import type { CustomerUseCases } from '../customer-use-cases';

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

/** A token scoped to one customer sees only that one; another customer is answered NOT_FOUND, as if unknown. */
function visible(context: GrpcCallContext, customer: CustomerReadModel): CustomerMessage {
  if (!canActFor(context.principal, customer.id)) throw new CustomerNotFoundError({ customerId: customer.id });
  return toCustomerMessage(customer);
}

export interface CustomerGrpcDeps {
  readonly useCases: CustomerUseCases;
  readonly tokens: ServiceTokens;
  readonly logger: Logger;
}

/** billing.customer.v1.CustomerService: lookups for other services, with the same service tokens as REST. */
export function registerCustomerGrpc(server: grpc.Server, deps: CustomerGrpcDeps): void {
  const { useCases } = deps;
  const proto = loadProto(CUSTOMER_PROTO) as unknown as { billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } } };
  const traced = <T>(context: GrpcCallContext, work: () => Promise<T>) =>
    withMessageContext({ correlationId: context.correlationId, ...(context.traceparent ? { traceparent: context.traceparent } : {}) }, work);
  server.addService(
    proto.billing.customer.v1.CustomerService.service,
    unaryHandlers(
      { tokens: deps.tokens, logger: deps.logger, errorStatus: grpcErrorStatus },
      {
        GetCustomer: (request: { customerId: string }, context) =>
          traced(context, async () => visible(context, await useCases.get.execute({ customerId: request.customerId }))),
        GetCustomerByExternalId: (request: { externalAccountId: string }, context) =>
          traced(context, async () => visible(context, await useCases.getByExternalId.execute({ externalAccountId: request.externalAccountId }))),
        GetCustomerByGatewayId: (request: { gateway: string; gatewayCustomerId: string }, context) =>
          traced(context, async () =>
            visible(context, await useCases.getByGatewayId.execute({ gateway: request.gateway, gatewayCustomerId: request.gatewayCustomerId })),
          ),
        ListCustomers: (request: { limit: number; cursor: string }, context) =>
          traced(context, async () => {
            if (context.principal.customerId !== undefined) {
              throw new GrpcError(grpc.status.PERMISSION_DENIED, 'a token scoped to one customer cannot list customers');
            }
            // proto3 defaults: limit 0 and cursor "" mean "not given".
            const page = await useCases.list.execute({ limit: request.limit === 0 ? undefined : request.limit, cursor: request.cursor === '' ? null : request.cursor });
            return { customers: page.items.map(toCustomerMessage), nextCursor: page.nextCursor ?? '' };
          }),
      },
    ),
  );
}
