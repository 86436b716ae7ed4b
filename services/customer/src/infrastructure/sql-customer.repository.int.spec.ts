import { databaseUrlFor, dropDatabase, migrateDatabase, PgUnitOfWork } from '@billing/platform';
import { testInfrastructure, uniqueName } from '@billing/platform/testing';
import { expect } from 'chai';
import pg from 'pg';
import { customerMigrations } from '../../migrations';
import { Customer } from '../domain/customer.aggregate';
import { ConcurrentModificationError, DuplicateExternalAccountIdError, GatewayCustomerIdInUseError } from '../domain/customer.errors';
import { SqlCustomerRepository } from './sql-customer.repository';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let sequence = 0;
const id = () => `00000000-0000-4000-8000-${(++sequence).toString(16).padStart(12, '0')}`;

function newCustomer(overrides: { externalAccountId?: string; createdAt?: Date; id?: string } = {}): Customer {
  return Customer.create({
    id: overrides.id ?? id(),
    externalAccountId: overrides.externalAccountId ?? uniqueName('acct'),
    email: 'ada@example.com',
    name: null,
    defaultCurrency: 'EUR',
    now: overrides.createdAt ?? T0,
  });
}

describe('SqlCustomerRepository (real PostgreSQL)', () => {
  let database: string;
  let serverUrl: string;
  let pool: pg.Pool;
  let repository: SqlCustomerRepository;
  let unitOfWork: PgUnitOfWork;

  const count = async (table: string) => Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

  // The message context of the work the repository serves: every outbox row it writes carries it.
  const context = { correlationId: 'corr-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

  before(async () => {
    serverUrl = (await testInfrastructure()).databaseUrl;
    database = uniqueName('billing_customer_repo_test');
    await migrateDatabase(serverUrl, database, customerMigrations);
    pool = new pg.Pool({ connectionString: databaseUrlFor(serverUrl, database), max: 4 });
    unitOfWork = new PgUnitOfWork(pool);
    repository = SqlCustomerRepository.over(unitOfWork, context);
  });
  after(async () => {
    await pool?.end();
    if (database) await dropDatabase(serverUrl, database);
  });

  it('stores a customer and loads it back as it was, with its events in the outbox under the context of its work', async () => {
    const customer = newCustomer();
    customer.linkPaymentGateway('stripe', `cus_${sequence}A`, at(1));
    const state = customer.toState();
    await repository.add(customer);
    expect((await repository.findById(state.id))!.toState()).to.deep.equal(state);
    expect((await repository.findByExternalAccountId(state.externalAccountId))!.id).to.equal(state.id);
    expect((await repository.findByGateway('stripe', `cus_${sequence}A`))!.id).to.equal(state.id);
    const outbox = await pool.query('select event_type, aggregate_type, aggregate_id, payload, headers from outbox where aggregate_id = $1 order by seq', [state.id]);
    expect(outbox.rows.map((row) => row.event_type)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    expect(outbox.rows[0]).to.deep.include({ aggregate_type: 'Customer', aggregate_id: state.id });
    expect(outbox.rows[0].payload).to.deep.equal({ customerId: state.id, externalAccountId: state.externalAccountId, email: 'ada@example.com', name: null, defaultCurrency: 'EUR', occurredAt: T0.toISOString() });
    expect(outbox.rows[0].headers).to.deep.include({ correlationId: 'corr-1' });
  });

  it('refuses a second externalAccountId from the unique constraint, even when both are added at once; nothing of the loser is written', async () => {
    const externalAccountId = uniqueName('acct');
    const outboxBefore = await count('outbox');
    const results = await Promise.allSettled([repository.add(newCustomer({ externalAccountId })), repository.add(newCustomer({ externalAccountId }))]);
    expect(results.map((result) => result.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).to.be.instanceOf(DuplicateExternalAccountIdError);
    expect(await count('outbox')).to.equal(outboxBefore + 1);
  });

  it('saves over the loaded version only: a stale save is ConcurrentModificationError and writes nothing', async () => {
    const customer = newCustomer();
    await repository.add(customer);
    const first = (await repository.findById(customer.id))!;
    const second = (await repository.findById(customer.id))!;
    first.update({ name: 'First' }, at(1));
    await repository.save(first);
    second.update({ name: 'Second' }, at(2));
    const outboxBefore = await count('outbox');
    const error = await repository.save(second).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConcurrentModificationError);
    expect(await count('outbox')).to.equal(outboxBefore);
    const stored = (await repository.findById(customer.id))!;
    expect([stored.name, stored.version]).to.deep.equal(['First', 1]);
  });

  it('refuses a gateway customer already linked to another customer (GatewayCustomerIdInUseError), writing nothing', async () => {
    const owner = newCustomer();
    owner.linkPaymentGateway('stripe', 'cus_Shared1', at(1));
    await repository.add(owner);
    const other = newCustomer();
    await repository.add(other);
    const loaded = (await repository.findById(other.id))!;
    loaded.linkPaymentGateway('stripe', 'cus_Shared1', at(2));
    const error = await repository.save(loaded).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GatewayCustomerIdInUseError);
    const stored = (await repository.findById(other.id))!;
    expect([stored.gatewayLinks, stored.version]).to.deep.equal([[], 0]);
  });

  it('lists everyone in (createdAt, id) order by cursor, and finds the active unlinked ones oldest first', async () => {
    const sameInstant = at(100);
    const a = newCustomer({ createdAt: sameInstant });
    const b = newCustomer({ createdAt: sameInstant });
    const linked = newCustomer({ createdAt: at(101) });
    linked.linkPaymentGateway('stripe', `cus_L${sequence}`, at(101));
    const deactivated = newCustomer({ createdAt: at(102) });
    deactivated.deactivate(at(102));
    for (const customer of [b, linked, a, deactivated]) await repository.add(customer);

    const seen: string[] = [];
    let after;
    do {
      const page = await repository.list({ limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.items.map((customer) => customer.id));
      after = page.nextCursor ?? undefined;
    } while (after);
    const mine = seen.filter((customerId) => [a.id, b.id, linked.id, deactivated.id].includes(customerId));
    // a and b share createdAt: the id decides, whatever order they were added in.
    expect(mine).to.deep.equal([...[a.id, b.id].sort(), linked.id, deactivated.id]);
    expect(new Set(seen).size).to.equal(await count('customers'));

    const unlinked = (await repository.findUnlinked('stripe', 500)).map((customer) => customer.id);
    expect(unlinked).to.include.members([a.id, b.id]);
    expect(unlinked).to.not.include.members([linked.id, deactivated.id]);
  });

  it('within(tx) writes in the caller transaction: a rollback leaves no customer and no outbox row', async () => {
    const customer = newCustomer();
    const outboxBefore = await count('outbox');
    const error = await unitOfWork
      .transaction(async (tx) => {
        await SqlCustomerRepository.within(tx, context).add(customer);
        expect((await SqlCustomerRepository.within(tx, context).findById(customer.id))?.id).to.equal(customer.id);
        throw new Error('caller gives up');
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).to.equal('caller gives up');
    expect(await repository.findById(customer.id)).to.equal(null);
    expect(await count('outbox')).to.equal(outboxBefore);
  });
});
