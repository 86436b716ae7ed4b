import { CustomerNotFoundError } from '../../../domain/customer.errors';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { PaymentGatewayLink } from '../../../domain/payment-gateway-link.value-object';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import type { GetCustomerByGatewayIdQuery } from './get-customer-by-gateway-id.query';

export interface GetCustomerByGatewayIdDeps {
  readonly customers: CustomerRepository;
}

export class GetCustomerByGatewayIdHandler {
  constructor(private readonly deps: GetCustomerByGatewayIdDeps) {}

  /** Throws INVALID_PAYMENT_GATEWAY, INVALID_GATEWAY_CUSTOMER_ID or CUSTOMER_NOT_FOUND. */
  async execute(query: GetCustomerByGatewayIdQuery): Promise<CustomerReadModel> {
    const gateway = PaymentGatewayLink.gateway(query.gateway);
    const gatewayCustomerId = PaymentGatewayLink.gatewayCustomerId(gateway, query.gatewayCustomerId);
    const customer = await this.deps.customers.findByGateway(gateway, gatewayCustomerId);
    if (customer === null) throw new CustomerNotFoundError({ gateway, gatewayCustomerId });
    return toCustomerReadModel(customer);
  }
}
