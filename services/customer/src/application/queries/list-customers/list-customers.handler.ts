import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { CursorWithFilterError, InvalidSearchQueryError, limitOrDefault } from '../../application.errors';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { CustomerListCursorCodec } from './customer-list-cursor';
import { DEFAULT_LIST_LIMIT, type ListCustomersQuery, MAX_LIST_LIMIT, MAX_QUERY_LENGTH } from './list-customers.query';

export interface ListCustomersDeps {
  readonly customers: CustomerRepository;
}

/** The platform's one list envelope. */
export interface CustomerListPage {
  readonly data: readonly CustomerReadModel[];
  /** Pass it back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Every customer (deactivated too) in registration order, (createdAt, id); see CustomerRepository.list(). `query`
 * narrows it to a contains-search, paged the same way; `externalAccountId` to one customer (a page, no cursor).
 */
export class ListCustomersHandler {
  constructor(private readonly deps: ListCustomersDeps) {}

  /** Throws INVALID_LIMIT, INVALID_CURSOR, INVALID_REQUEST for a cursor with externalAccountId or a query not 1..200 long. */
  async execute(query: ListCustomersQuery = {}): Promise<CustomerListPage> {
    const limit = limitOrDefault(query.limit, 'limit', DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    const text = query.query;
    if (text !== undefined && (text.length < 1 || text.length > MAX_QUERY_LENGTH)) throw new InvalidSearchQueryError(MAX_QUERY_LENGTH);
    if (query.externalAccountId !== undefined && text === undefined) {
      if (query.cursor !== undefined && query.cursor !== null) throw new CursorWithFilterError();
      const customer = await this.deps.customers.findByExternalAccountId(query.externalAccountId);
      return { data: customer === null ? [] : [toCustomerReadModel(customer)], nextCursor: null };
    }
    if (query.externalAccountId !== undefined && query.cursor !== undefined && query.cursor !== null) throw new CursorWithFilterError();
    const after = query.cursor === undefined || query.cursor === null ? undefined : CustomerListCursorCodec.decode(query.cursor);
    const page = await this.deps.customers.list({
      limit,
      ...(after === undefined ? {} : { after }),
      ...(text === undefined ? {} : { containing: text }),
      ...(query.externalAccountId === undefined ? {} : { externalAccountId: query.externalAccountId }),
    });
    return {
      data: page.items.map(toCustomerReadModel),
      nextCursor: page.nextCursor === null ? null : CustomerListCursorCodec.encode(page.nextCursor),
    };
  }
}
