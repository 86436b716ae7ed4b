import { appendToOutbox, type MessageContext, type SqlExecutor, type UnitOfWork } from '@billing/platform';
import { Customer } from '../domain/customer.aggregate';
import {
  ConcurrentModificationError,
  CustomerNotFoundError,
  DuplicateExternalAccountIdError,
  GatewayCustomerIdInUseError,
  InvariantViolationError,
} from '../domain/customer.errors';
import type { CustomerListQuery, CustomerPage, CustomerRepository } from '../domain/customer.repository.port';
import type { CustomerState } from '../domain/customer.state';
import type { PaymentGatewayName } from '../domain/payment-gateway-link.value-object';
import { toOutboxMessages } from './integration-events';

/** Runs work in a transaction: its own (over a unit of work) or the caller's (within). */
type Transactor = <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;

interface CustomerRow {
  id: string;
  external_account_id: string;
  email: string;
  name: string | null;
  default_currency: string;
  status: string;
  // Date or text, depending on the driver's type parsers (MikroORM's connection returns text).
  created_at: Date | string;
  updated_at: Date | string;
  deactivated_at: Date | string | null;
  version: number;
  links: { gateway: string; gatewayCustomerId: string; linkedAt: string }[];
}

const selectCustomers = `
  select c.id, c.external_account_id, c.email, c.name, c.default_currency, c.status, c.created_at, c.updated_at,
         c.deactivated_at, c.version,
         coalesce((select json_agg(json_build_object('gateway', l.gateway, 'gatewayCustomerId', l.gateway_customer_id,
                                                     'linkedAt', l.linked_at) order by l.gateway)
                   from customer_gateway_links l where l.customer_id = c.id), '[]'::json) as links
  from customers c`;

/** The caller's text matched literally: LIKE's wildcards and its escape character lose their meaning. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const uniqueViolation = (error: unknown, constraint: string) =>
  (error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === constraint;

function toState(row: CustomerRow): CustomerState {
  return {
    id: row.id,
    externalAccountId: row.external_account_id,
    email: row.email,
    name: row.name,
    defaultCurrency: row.default_currency as CustomerState['defaultCurrency'],
    status: row.status as CustomerState['status'],
    gatewayLinks: row.links.map((link) => ({
      gateway: link.gateway as PaymentGatewayName,
      gatewayCustomerId: link.gatewayCustomerId,
      linkedAt: new Date(link.linkedAt),
    })),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    deactivatedAt: row.deactivated_at === null ? null : new Date(row.deactivated_at),
    version: row.version,
  };
}

function load(row: CustomerRow): Customer {
  try {
    return Customer.reconstitute(toState(row));
  } catch (error) {
    if (error instanceof InvariantViolationError) throw error;
    throw new InvariantViolationError([`customer ${row.id} could not be loaded: ${(error as Error).message}`], error);
  }
}

/**
 * CustomerRepository on PostgreSQL (billing_customer). State is stored as columns, links in their own table (so the
 * database enforces one customer per gateway customer); each write stores the state and the customer's pulled events,
 * mapped to integration events, in the outbox in ONE transaction, with the message context of the work that caused
 * them (a request, a gRPC call, a job run), given when the repository is made for that work.
 */
export class SqlCustomerRepository implements CustomerRepository {
  private constructor(
    private readonly transaction: Transactor,
    private readonly context: MessageContext,
  ) {}

  /** Each call runs in a transaction of its own. */
  static over(unitOfWork: UnitOfWork, context: MessageContext): SqlCustomerRepository {
    return new SqlCustomerRepository((work) => unitOfWork.transaction(work), context);
  }

  /** Every call joins the caller's transaction `tx`, which commits or rolls back the writes with its own. */
  static within(tx: SqlExecutor, context: MessageContext): SqlCustomerRepository {
    return new SqlCustomerRepository((work) => work(tx), context);
  }

  async findById(id: string): Promise<Customer | null> {
    return this.findOne('where c.id = $1', [id]);
  }

  async findByExternalAccountId(externalAccountId: string): Promise<Customer | null> {
    return this.findOne('where c.external_account_id = $1', [externalAccountId]);
  }

  async findByGateway(gateway: PaymentGatewayName, gatewayCustomerId: string): Promise<Customer | null> {
    return this.findOne(
      'where c.id = (select customer_id from customer_gateway_links where gateway = $1 and gateway_customer_id = $2)',
      [gateway, gatewayCustomerId],
    );
  }

  async list(query: CustomerListQuery): Promise<CustomerPage> {
    const conditions: string[] = [];
    const params: unknown[] = [query.limit + 1];
    const param = (value: unknown): string => `$${params.push(value)}`;
    if (query.after !== undefined) conditions.push(`(c.created_at, c.id) > (${param(query.after.createdAt)}, ${param(query.after.id)})`);
    if (query.externalAccountId !== undefined) conditions.push(`c.external_account_id = ${param(query.externalAccountId)}`);
    if (query.containing !== undefined) {
      // Each column on its own trigram index (migration customer_search): the planner ORs three bitmap scans.
      const pattern = param(`%${escapeLike(query.containing)}%`);
      conditions.push(`(c.email ilike ${pattern} or c.name ilike ${pattern} or c.external_account_id ilike ${pattern})`);
    }
    const where = conditions.length === 0 ? '' : ` where ${conditions.join(' and ')}`;
    // One row more than asked tells whether another page follows.
    const rows = await this.transaction((tx) => tx.query<CustomerRow>(`${selectCustomers}${where} order by c.created_at, c.id limit $1`, params));
    const page = rows.slice(0, query.limit).map(load);
    const last = page.at(-1);
    return { items: page, nextCursor: rows.length > query.limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : null };
  }

  async findUnlinked(gateway: PaymentGatewayName, limit: number, registeredBefore?: Date): Promise<Customer[]> {
    const rows = await this.transaction((tx) =>
      tx.query<CustomerRow>(
        `${selectCustomers}
         where c.status = 'active'
           and ($3::timestamptz is null or c.created_at < $3)
           and not exists (select 1 from customer_gateway_links l where l.customer_id = c.id and l.gateway = $1)
         order by c.created_at, c.id limit $2`,
        [gateway, limit, registeredBefore ?? null],
      ),
    );
    return rows.map(load);
  }

  async add(customer: Customer): Promise<void> {
    const state = customer.toState();
    await this.transaction(async (tx) => {
      try {
        await tx.query(
          `insert into customers (id, external_account_id, email, name, default_currency, status, created_at, updated_at, deactivated_at, version)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)`,
          [state.id, state.externalAccountId, state.email, state.name, state.defaultCurrency, state.status, state.createdAt, state.updatedAt, state.deactivatedAt],
        );
      } catch (error) {
        if (uniqueViolation(error, 'customers_external_account_id_key')) throw new DuplicateExternalAccountIdError(state.externalAccountId);
        throw error;
      }
      await this.insertLinks(tx, state);
      await appendToOutbox(tx, toOutboxMessages(customer.pullEvents(), this.context));
    });
  }

  async save(customer: Customer): Promise<void> {
    const state = customer.toState();
    await this.transaction(async (tx) => {
      const updated = await tx.query(
        `update customers set email = $3, name = $4, default_currency = $5, status = $6, updated_at = $7, deactivated_at = $8,
                version = version + 1
         where id = $1 and version = $2 returning id`,
        [state.id, state.version, state.email, state.name, state.defaultCurrency, state.status, state.updatedAt, state.deactivatedAt],
      );
      if (updated.length === 0) {
        const [exists] = await tx.query('select 1 from customers where id = $1', [state.id]);
        if (exists === undefined) throw new CustomerNotFoundError({ customerId: state.id });
        throw new ConcurrentModificationError(state.id, state.version);
      }
      await this.insertLinks(tx, state);
      await appendToOutbox(tx, toOutboxMessages(customer.pullEvents(), this.context));
    });
  }

  private async findOne(where: string, params: unknown[]): Promise<Customer | null> {
    const [row] = await this.transaction((tx) => tx.query<CustomerRow>(`${selectCustomers} ${where}`, params));
    return row === undefined ? null : load(row);
  }

  /** Links are only ever added (the domain never rewrites one), so the ones already stored are skipped. */
  private async insertLinks(tx: SqlExecutor, state: CustomerState): Promise<void> {
    for (const link of state.gatewayLinks) {
      try {
        await tx.query(
          `insert into customer_gateway_links (customer_id, gateway, gateway_customer_id, linked_at) values ($1, $2, $3, $4)
           on conflict (customer_id, gateway) do nothing`,
          [state.id, link.gateway, link.gatewayCustomerId, link.linkedAt],
        );
      } catch (error) {
        if (uniqueViolation(error, 'customer_gateway_links_gateway_customer_key')) {
          throw new GatewayCustomerIdInUseError(link.gateway, link.gatewayCustomerId, null);
        }
        throw error;
      }
    }
  }
}
