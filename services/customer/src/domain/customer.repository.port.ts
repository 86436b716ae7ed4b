import type { Customer } from './customer.aggregate';
import type { PaymentGatewayName } from './payment-gateway-link.value-object';

/** Position in the customer list: the (createdAt, id) of the last customer of the previous page. */
export interface CustomerListCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface CustomerListQuery {
  /** 1.. the caller's maximum; the application validates it. */
  readonly limit: number;
  /** Customers strictly after this position; omitted = from the start. */
  readonly after?: CustomerListCursor;
  /** Only customers whose email, name or external account id contains this text, ignoring case (no wildcards). */
  readonly containing?: string;
  /** Only the customer with exactly this external account id. */
  readonly externalAccountId?: string;
}

export interface CustomerPage {
  readonly items: readonly Customer[];
  /** Position of the last item when more customers may follow; null on the last page. */
  readonly nextCursor: CustomerListCursor | null;
}

/**
 * Implemented by infrastructure. Loaded customers come from Customer.reconstitute(); every finder returns deactivated
 * customers too (status tells them apart) except findUnlinked().
 *
 * Writes: add() and save() each run ONE transaction that stores the customer's state, its gateway links and
 * customer.pullEvents() into the outbox, so an event is published if and only if its change is committed.
 * Uniqueness is the database's: unique(external_account_id) and unique(gateway, gateway_customer_id).
 */
export interface CustomerRepository {
  findById(id: string): Promise<Customer | null>;
  /** Exact, case-sensitive match on the normalised (trimmed) id. */
  findByExternalAccountId(externalAccountId: string): Promise<Customer | null>;
  findByGateway(gateway: PaymentGatewayName, gatewayCustomerId: string): Promise<Customer | null>;
  /**
   * All customers in (createdAt, id) ascending order, `limit` at a time. The order is total and a cursor is a
   * position, not an offset: every customer that exists during the whole walk is returned exactly once, whatever is
   * added meanwhile (new customers have later createdAt and show up at the end).
   */
  list(query: CustomerListQuery): Promise<CustomerPage>;
  /**
   * Up to `limit` ACTIVE customers with no link to `gateway`, oldest first ((createdAt, id) ascending); with
   * `registeredBefore`, only those whose createdAt is earlier.
   */
  findUnlinked(gateway: PaymentGatewayName, limit: number, registeredBefore?: Date): Promise<Customer[]>;
  /**
   * Inserts a new customer (version 0). Throws DuplicateExternalAccountIdError when its externalAccountId is taken
   * (from the unique constraint, not a prior read, so concurrent registrations cannot both succeed); then nothing
   * is written, outbox included.
   */
  add(customer: Customer): Promise<void>;
  /**
   * Updates an existing customer only if its stored version still equals customer.version, and stores version + 1;
   * otherwise throws ConcurrentModificationError and writes nothing. A gateway customer id already linked to another
   * customer throws GatewayCustomerIdInUseError. The saved instance is then stale: load again to change again.
   */
  save(customer: Customer): Promise<void>;
}
