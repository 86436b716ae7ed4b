import type { ConnectionOptions } from '../grpc/connection';
import { serviceClientConstructor } from '../grpc/proto-files';
import { type CallOptions, type Timing, UnaryCaller } from '../grpc/unary-caller';

export interface GatewayLink {
  gateway: string;
  gatewayCustomerId: string;
  linkedAt: string;
}

export interface Customer {
  id: string;
  externalAccountId: string;
  email: string;
  name: string;
  defaultCurrency: string;
  status: 'active' | 'deactivated';
  gatewayLinks: GatewayLink[];
  createdAt: string;
  updatedAt: string;
}

export interface CustomerClient {
  /** Throws NotFound for an unknown customer. */
  getCustomer(customerId: string, options?: CallOptions): Promise<Customer>;
  /** The customer registered with your own account id (`externalAccountId`). */
  getCustomerByExternalId(externalAccountId: string, options?: CallOptions): Promise<Customer>;
  close(): void;
}

/** A client of billing.customer.v1.CustomerService (customer's gRPC port, 3051 under `npm start`). */
export function createCustomerClient(options: ConnectionOptions, timing?: Timing): CustomerClient {
  const caller = new UnaryCaller(serviceClientConstructor('billing/customer/v1/customer.proto', 'billing.customer.v1.CustomerService'), options, timing);
  return {
    getCustomer: (customerId, callOptions) => caller.call<Customer>('GetCustomer', { customerId }, callOptions),
    getCustomerByExternalId: (externalAccountId, callOptions) => caller.call<Customer>('GetCustomerByExternalId', { externalAccountId }, callOptions),
    close: () => caller.close(),
  };
}
