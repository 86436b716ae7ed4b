import type { Currency } from '../domain/currency.value-object';
import type { Customer } from '../domain/customer.aggregate';
import type { CustomerStatus } from '../domain/customer-status';
import type { PaymentGatewayName } from '../domain/payment-gateway-link.value-object';

export interface GatewayLinkReadModel {
  readonly gateway: PaymentGatewayName;
  readonly gatewayCustomerId: string;
  /** ISO-8601, UTC. */
  readonly linkedAt: string;
}

/** What queries and commands return: plain, JSON-safe data (timestamps as ISO-8601 UTC strings), never the aggregate. */
export interface CustomerReadModel {
  readonly id: string;
  readonly externalAccountId: string;
  readonly email: string;
  readonly name: string | null;
  readonly defaultCurrency: Currency;
  readonly status: CustomerStatus;
  /** Sorted by gateway; empty while the gateway link is pending. */
  readonly gatewayLinks: readonly GatewayLinkReadModel[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deactivatedAt: string | null;
}

export function toCustomerReadModel(customer: Customer): CustomerReadModel {
  const state = customer.toState();
  return {
    id: state.id,
    externalAccountId: state.externalAccountId,
    email: state.email,
    name: state.name,
    defaultCurrency: state.defaultCurrency,
    status: state.status,
    gatewayLinks: state.gatewayLinks.map((link) => ({
      gateway: link.gateway,
      gatewayCustomerId: link.gatewayCustomerId,
      linkedAt: link.linkedAt.toISOString(),
    })),
    createdAt: state.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
    deactivatedAt: state.deactivatedAt === null ? null : state.deactivatedAt.toISOString(),
  };
}
