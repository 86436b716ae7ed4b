import { CustomerId } from '../../../domain/customer-id.value-object';
import { CustomerNotFoundError } from '../../../domain/customer.errors';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import type { GetCustomerQuery } from './get-customer.query';

export interface GetCustomerDeps {
  readonly customers: CustomerRepository;
}

export class GetCustomerHandler {
  constructor(private readonly deps: GetCustomerDeps) {}

  /** Throws INVALID_CUSTOMER_ID (not a UUID: never looked up) or CUSTOMER_NOT_FOUND. Deactivated customers are found. */
  async execute(query: GetCustomerQuery): Promise<CustomerReadModel> {
    const customerId = CustomerId.of(query.customerId);
    const customer = await this.deps.customers.findById(customerId);
    if (customer === null) throw new CustomerNotFoundError({ customerId });
    return toCustomerReadModel(customer);
  }
}
