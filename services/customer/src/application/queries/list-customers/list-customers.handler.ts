import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { CursorWithFilterError, limitOrDefault } from '../../application.errors';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { CustomerListCursorCodec } from './customer-list-cursor';
import { DEFAULT_LIST_LIMIT, type ListCustomersQuery, MAX_LIST_LIMIT } from './list-customers.query';

export interface ListCustomersDeps {
  readonly customers: CustomerRepository;
}

/** The platform's one list envelope. */
export interface CustomerListPage {
  readonly data: readonly CustomerReadModel[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** Every customer (deactivated too) in registration order, (createdAt, id); see CustomerRepository.list(). */
export class ListCustomersHandler {
  constructor(private readonly deps: ListCustomersDeps) {}

  /** Throws INVALID_LIMIT, INVALID_CURSOR, or INVALID_REQUEST for a cursor with externalAccountId. */
  async execute(query: ListCustomersQuery = {}): Promise<CustomerListPage> {
    const limit = limitOrDefault(query.limit, 'limit', DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    if (query.externalAccountId !== undefined) {
      if (query.cursor !== undefined && query.cursor !== null) throw new CursorWithFilterError();
      const customer = await this.deps.customers.findByExternalAccountId(query.externalAccountId);
      return { data: customer === null ? [] : [toCustomerReadModel(customer)], nextCursor: null };
    }
    const after = query.cursor === undefined || query.cursor === null ? undefined : CustomerListCursorCodec.decode(query.cursor);
    const page = await this.deps.customers.list({ limit, ...(after === undefined ? {} : { after }) });
    return {
      data: page.items.map(toCustomerReadModel),
      nextCursor: page.nextCursor === null ? null : CustomerListCursorCodec.encode(page.nextCursor),
    };
  }
}
