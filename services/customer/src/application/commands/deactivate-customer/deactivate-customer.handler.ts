import { CustomerId } from '../../../domain/customer-id.value-object';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { modifyCustomer } from '../../modify-customer';
import type { Clock } from '../../ports/clock.port';
import type { DeactivateCustomerCommand } from './deactivate-customer.command';

export interface DeactivateCustomerDeps {
  readonly customers: CustomerRepository;
  readonly clock: Clock;
}

export interface DeactivateCustomerResult {
  readonly customer: CustomerReadModel;
}

export class DeactivateCustomerHandler {
  constructor(private readonly deps: DeactivateCustomerDeps) {}

  /** Throws INVALID_CUSTOMER_ID, CUSTOMER_NOT_FOUND, CUSTOMER_ALREADY_DEACTIVATED. */
  async execute(command: DeactivateCustomerCommand): Promise<DeactivateCustomerResult> {
    const customerId = CustomerId.of(command.customerId);
    const { customer } = await modifyCustomer(this.deps.customers, customerId, (fresh) => {
      fresh.deactivate(this.deps.clock.now());
      return true;
    });
    return { customer: toCustomerReadModel(customer) };
  }
}
