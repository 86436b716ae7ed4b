import { CustomerId } from '../../../domain/customer-id.value-object';
import { GatewayCustomerIdInUseError } from '../../../domain/customer.errors';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { PaymentGatewayLink } from '../../../domain/payment-gateway-link.value-object';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { modifyCustomer } from '../../modify-customer';
import type { Clock } from '../../ports/clock.port';
import type { LinkPaymentGatewayCustomerCommand } from './link-payment-gateway-customer.command';

export interface LinkPaymentGatewayCustomerDeps {
  readonly customers: CustomerRepository;
  readonly clock: Clock;
}

export interface LinkPaymentGatewayCustomerResult {
  readonly customer: CustomerReadModel;
  /** false when this exact link already existed (an idempotent repeat): nothing saved, no event. */
  readonly linked: boolean;
}

export class LinkPaymentGatewayCustomerHandler {
  constructor(private readonly deps: LinkPaymentGatewayCustomerDeps) {}

  /**
   * Throws INVALID_CUSTOMER_ID, INVALID_PAYMENT_GATEWAY, INVALID_GATEWAY_CUSTOMER_ID, CUSTOMER_NOT_FOUND,
   * GATEWAY_CUSTOMER_ID_IN_USE (it belongs to another customer), GATEWAY_ALREADY_LINKED, CUSTOMER_DEACTIVATED.
   */
  async execute(command: LinkPaymentGatewayCustomerCommand): Promise<LinkPaymentGatewayCustomerResult> {
    const customerId = CustomerId.of(command.customerId);
    const gateway = PaymentGatewayLink.gateway(command.gateway);
    const gatewayCustomerId = PaymentGatewayLink.gatewayCustomerId(gateway, command.gatewayCustomerId);
    // Friendly early refusal; the repository's unique (gateway, gateway customer id) is what guarantees it.
    const owner = await this.deps.customers.findByGateway(gateway, gatewayCustomerId);
    if (owner !== null && owner.id !== customerId) throw new GatewayCustomerIdInUseError(gateway, gatewayCustomerId, owner.id);
    const { customer, changed } = await modifyCustomer(this.deps.customers, customerId, (fresh) =>
      fresh.linkPaymentGateway(gateway, gatewayCustomerId, this.deps.clock.now()),
    );
    return { customer: toCustomerReadModel(customer), linked: changed };
  }
}
