import { Customer } from '../../domain/customer.aggregate';
import {
  ConcurrentModificationError,
  CustomerNotFoundError,
  DuplicateExternalAccountIdError,
  GatewayCustomerIdInUseError,
} from '../../domain/customer.errors';
import type { CustomerListCursor, CustomerListQuery, CustomerPage, CustomerRepository } from '../../domain/customer.repository.port';
import type { CustomerState } from '../../domain/customer.state';
import type { CustomerEvent } from '../../domain/events/customer.domain-event';
import type { PaymentGatewayName } from '../../domain/payment-gateway-link.value-object';

const compareKeys = (a: CustomerListCursor, b: CustomerListCursor): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The CustomerRepository contract in memory, as the database will keep it: stored state (never the caller's
 * instance), unique externalAccountId and (gateway, gatewayCustomerId), optimistic versions, and an outbox that gets
 * an aggregate's pulled events only when its write succeeds.
 */
export class InMemoryCustomerRepository implements CustomerRepository {
  private readonly rows = new Map<string, CustomerState>();
  /** Every event of every committed write, in commit order: what the relay would publish. */
  readonly outbox: CustomerEvent[] = [];
  private readonly interceptors: ((customer: Customer) => Promise<void>)[] = [];
  private intercepting = false;

  async findById(id: string): Promise<Customer | null> {
    return this.load(this.rows.get(id));
  }

  async findByExternalAccountId(externalAccountId: string): Promise<Customer | null> {
    return this.load([...this.rows.values()].find((row) => row.externalAccountId === externalAccountId));
  }

  async findByGateway(gateway: PaymentGatewayName, gatewayCustomerId: string): Promise<Customer | null> {
    return this.load(this.ownerOf(gateway, gatewayCustomerId));
  }

  async list(query: CustomerListQuery): Promise<CustomerPage> {
    const after = query.after;
    const text = query.containing?.toLowerCase();
    const contains = (value: string | null) => text === undefined || (value !== null && value.toLowerCase().includes(text));
    const rest = this.sorted()
      .filter((row) => after === undefined || compareKeys(row, after) > 0)
      .filter((row) => query.externalAccountId === undefined || row.externalAccountId === query.externalAccountId)
      .filter((row) => contains(row.email) || contains(row.name) || contains(row.externalAccountId));
    const page = rest.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => Customer.reconstitute(row)),
      nextCursor: rest.length > page.length && last !== undefined ? { createdAt: new Date(last.createdAt), id: last.id } : null,
    };
  }

  async findUnlinked(gateway: PaymentGatewayName, limit: number, registeredBefore?: Date): Promise<Customer[]> {
    return this.sorted()
      .filter((row) => registeredBefore === undefined || row.createdAt.getTime() < registeredBefore.getTime())
      .filter((row) => row.status === 'active' && !row.gatewayLinks.some((link) => link.gateway === gateway))
      .slice(0, limit)
      .map((row) => Customer.reconstitute(row));
  }

  async add(customer: Customer): Promise<void> {
    const state = customer.toState();
    if ([...this.rows.values()].some((row) => row.externalAccountId === state.externalAccountId)) {
      throw new DuplicateExternalAccountIdError(state.externalAccountId);
    }
    if (this.rows.has(state.id)) throw new Error(`primary key violation: customer ${state.id} exists`);
    this.checkLinksAreFree(state);
    this.rows.set(state.id, { ...state, version: 0 });
    this.outbox.push(...customer.pullEvents());
  }

  async save(customer: Customer): Promise<void> {
    // Saves made by an interceptor itself (the "concurrent writer") are not intercepted.
    const interceptor = this.intercepting ? undefined : this.interceptors.shift();
    if (interceptor !== undefined) {
      this.intercepting = true;
      try {
        await interceptor(customer);
      } finally {
        this.intercepting = false;
      }
    }
    const state = customer.toState();
    const stored = this.rows.get(state.id);
    if (stored === undefined) throw new CustomerNotFoundError({ customerId: state.id });
    if (stored.version !== state.version) throw new ConcurrentModificationError(state.id, state.version);
    this.checkLinksAreFree(state);
    this.rows.set(state.id, { ...state, version: stored.version + 1 });
    this.outbox.push(...customer.pullEvents());
  }

  /** Runs `fn` at the start of the next save(), e.g. to let a concurrent writer commit first. Queue several for several saves. */
  beforeNextSave(fn: (customer: Customer) => Promise<void>): void {
    this.interceptors.push(fn);
  }

  /** Deep copy of everything stored, to prove a refused command wrote nothing. */
  snapshot(): { customers: CustomerState[]; outbox: CustomerEvent[] } {
    return structuredClone({ customers: this.sorted(), outbox: this.outbox });
  }

  get size(): number {
    return this.rows.size;
  }

  private load(row: CustomerState | undefined): Customer | null {
    return row === undefined ? null : Customer.reconstitute(row);
  }

  private sorted(): CustomerState[] {
    return [...this.rows.values()].sort(compareKeys);
  }

  private ownerOf(gateway: PaymentGatewayName, gatewayCustomerId: string): CustomerState | undefined {
    return [...this.rows.values()].find((row) =>
      row.gatewayLinks.some((link) => link.gateway === gateway && link.gatewayCustomerId === gatewayCustomerId),
    );
  }

  private checkLinksAreFree(state: CustomerState): void {
    for (const link of state.gatewayLinks) {
      const owner = this.ownerOf(link.gateway, link.gatewayCustomerId);
      if (owner !== undefined && owner.id !== state.id) throw new GatewayCustomerIdInUseError(link.gateway, link.gatewayCustomerId, null);
    }
  }
}
