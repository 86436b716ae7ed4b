import type { Customer } from '../domain/customer.aggregate';
import type { CustomerRepository } from '../domain/customer.repository.port';
import { modifyCustomer } from './modify-customer';
import type { Clock } from './ports/clock.port';
import type { PaymentGateway } from './ports/payment-gateway.port';

export interface GatewayCustomerDeps {
  readonly customers: CustomerRepository;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
}

/**
 * Creates the customer's gateway customer (or gets back the one created before: the idempotency key is our customer
 * id, so registration and every retry of the background job converge on one gateway customer) and links it.
 * The link is applied to a freshly loaded customer, never to `customer` itself, which may be stale by the time the
 * gateway answers. Returns the customer as saved. Throws whatever the gateway or the link throws.
 */
export async function createAndLinkGatewayCustomer(deps: GatewayCustomerDeps, customer: Customer): Promise<Customer> {
  const { gatewayCustomerId } = await deps.paymentGateway.createCustomer({
    idempotencyKey: customer.id,
    email: customer.email,
    name: customer.name,
    metadata: { customerId: customer.id, externalAccountId: customer.externalAccountId },
  });
  const linked = await modifyCustomer(deps.customers, customer.id, (fresh) =>
    fresh.linkPaymentGateway(deps.paymentGateway.name, gatewayCustomerId, deps.clock.now()),
  );
  return linked.customer;
}
