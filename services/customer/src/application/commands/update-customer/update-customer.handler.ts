import { CustomerId } from '../../../domain/customer-id.value-object';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { modifyCustomer } from '../../modify-customer';
import type { Clock } from '../../ports/clock.port';
import type { UpdateCustomerCommand } from './update-customer.command';

export interface UpdateCustomerDeps {
  readonly customers: CustomerRepository;
  readonly clock: Clock;
}

export interface UpdateCustomerResult {
  readonly customer: CustomerReadModel;
  /** false when every given field already had that value: nothing was saved and no event recorded. */
  readonly changed: boolean;
}

/**
 * Updates the profile held here. The gateway customer's copy (e.g. Stripe's email) is not touched: a consumer of
 * CustomerUpdated can sync it, asynchronously and retryably.
 */
export class UpdateCustomerHandler {
  constructor(private readonly deps: UpdateCustomerDeps) {}

  /** Throws INVALID_CUSTOMER_ID, CUSTOMER_NOT_FOUND, INVALID_EMAIL / INVALID_NAME / INVALID_CURRENCY, CUSTOMER_DEACTIVATED. */
  async execute(command: UpdateCustomerCommand): Promise<UpdateCustomerResult> {
    const customerId = CustomerId.of(command.customerId);
    const changes = {
      ...(command.email === undefined ? {} : { email: command.email }),
      ...(command.name === undefined ? {} : { name: command.name }),
      ...(command.defaultCurrency === undefined ? {} : { defaultCurrency: command.defaultCurrency }),
    };
    const { customer, changed } = await modifyCustomer(this.deps.customers, customerId, (fresh) => fresh.update(changes, this.deps.clock.now()));
    return { customer: toCustomerReadModel(customer), changed };
  }
}
