import { CustomerNotFoundError } from '../../../domain/customer.errors';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { ExternalAccountId } from '../../../domain/external-account-id.value-object';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import type { GetCustomerByExternalIdQuery } from './get-customer-by-external-id.query';

export interface GetCustomerByExternalIdDeps {
  readonly customers: CustomerRepository;
}

export class GetCustomerByExternalIdHandler {
  constructor(private readonly deps: GetCustomerByExternalIdDeps) {}

  /** Throws INVALID_EXTERNAL_ACCOUNT_ID or CUSTOMER_NOT_FOUND. The id is trimmed like at registration, case kept. */
  async execute(query: GetCustomerByExternalIdQuery): Promise<CustomerReadModel> {
    const externalAccountId = ExternalAccountId.of(query.externalAccountId);
    const customer = await this.deps.customers.findByExternalAccountId(externalAccountId);
    if (customer === null) throw new CustomerNotFoundError({ externalAccountId });
    return toCustomerReadModel(customer);
  }
}
