import { expect } from 'chai';
import { RegisterCustomerHandler } from '../../commands/register-customer/register-customer.handler';
import type { CustomerReadModel } from '../../customer.read-model';
import type { IdGenerator } from '../../ports/id-generator.port';
import { type TestContext, createTestContext, expectRejection, registration } from '../../testing/customer-app.test-context';
import { CustomerListCursorCodec } from './customer-list-cursor';

/** Uuids in scrambled order, so the id tie-break is really exercised (ids do not follow registration order). */
class ScrambledIds implements IdGenerator {
  private count = 0;
  next(): string {
    this.count += 1;
    const scrambled = (this.count * 7919) % 10007;
    return `${scrambled.toString(16).padStart(8, '0')}-0000-4000-8000-${this.count.toString(16).padStart(12, '0')}`;
  }
}

/** Registers `count` customers, `perTick` of them at each instant (many share createdAt). */
const scrambledRegistration = new WeakMap<TestContext, RegisterCustomerHandler>();

async function registerMany(context: TestContext, count: number, perTick: number, prefix = 'acct'): Promise<void> {
  const register = scrambledRegistration.get(context) ?? new RegisterCustomerHandler({ ...context, ids: new ScrambledIds() });
  scrambledRegistration.set(context, register);
  for (let i = 0; i < count; i += 1) {
    if (i % perTick === 0) context.clock.advance(1_000);
    await register.execute(registration({ externalAccountId: `${prefix}-${i}` }));
  }
}

async function walk(context: TestContext, limit: number, onPage: (page: number) => Promise<void> = async () => {}): Promise<CustomerReadModel[]> {
  const seen: CustomerReadModel[] = [];
  let cursor: string | null = null;
  for (let page = 1; ; page += 1) {
    const result = await context.listCustomers.execute({ limit, cursor });
    seen.push(...result.data);
    await onPage(page);
    if (result.nextCursor === null) return seen;
    expect(result.data).to.have.length(limit);
    cursor = result.nextCursor;
  }
}

const byCreationThenId = (a: CustomerReadModel, b: CustomerReadModel): number =>
  a.createdAt.localeCompare(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('ListCustomers', () => {
  describe('when walking every page', () => {
    it('returns every customer exactly once, in (createdAt, id) order, with many customers sharing createdAt', async () => {
      const context = createTestContext();
      await registerMany(context, 23, 4);
      const seen = await walk(context, 5);
      const ids = seen.map((customer) => customer.id);
      expect(ids).to.have.length(23);
      expect(new Set(ids).size).to.equal(23);
      expect(seen).to.deep.equal([...seen].sort(byCreationThenId));
    });

    it('also returns, once and at the end, customers registered during the walk', async () => {
      const context = createTestContext();
      await registerMany(context, 12, 3);
      const seen = await walk(context, 4, async (page) => {
        if (page === 1) await registerMany(context, 3, 3, 'late');
      });
      expect(seen.map((customer) => customer.externalAccountId).filter((id) => id.startsWith('late'))).to.have.length(3);
      expect(new Set(seen.map((customer) => customer.id)).size).to.equal(15);
      expect(seen.slice(-3).every((customer) => customer.externalAccountId.startsWith('late'))).to.equal(true);
    });

    it('ends with nextCursor null when the last page is exactly full, and includes deactivated customers', async () => {
      const context = createTestContext();
      await registerMany(context, 4, 1);
      const [first] = (await context.listCustomers.execute({ limit: 1 })).data;
      await context.deactivateCustomer.execute({ customerId: first?.id ?? '' });
      const page = await context.listCustomers.execute({ limit: 4 });
      expect(page.data).to.have.length(4);
      expect(page.nextCursor).to.equal(null);
      expect(page.data[0]?.status).to.equal('deactivated');
    });

    it('returns an empty page for no customers', async () => {
      expect(await createTestContext().listCustomers.execute()).to.deep.equal({ data: [], nextCursor: null });
    });
  });

  describe('when filtered by externalAccountId', () => {
    it('returns a page of that customer, or an empty page for an unknown one', async () => {
      const context = createTestContext();
      await registerMany(context, 3, 1, 'filtered');
      const page = await context.listCustomers.execute({ externalAccountId: 'filtered-1' });
      expect(page.data.map((customer) => customer.externalAccountId)).to.deep.equal(['filtered-1']);
      expect(page.nextCursor).to.equal(null);
      expect(await context.listCustomers.execute({ externalAccountId: 'nobody' })).to.deep.equal({ data: [], nextCursor: null });
    });
  });

  describe('when the paging input is invalid', () => {
    it('refuses a limit outside 1..100 with INVALID_LIMIT', async () => {
      const context = createTestContext();
      for (const limit of [0, -1, 101, 2.5, Number.NaN]) await expectRejection(context.listCustomers.execute({ limit }), 'INVALID_LIMIT');
    });

    it('refuses a cursor it did not issue with INVALID_CURSOR', async () => {
      const context = createTestContext();
      const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
      const cursors = [
        'garbage!',
        '',
        forged('v2|2030-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001'),
        forged('v1|2030-13-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001'),
        forged('v1|2030-01-01T00:00:00.000Z|not-a-uuid'),
        forged('v1|2030-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000001|extra'),
      ];
      for (const cursor of cursors) await expectRejection(context.listCustomers.execute({ cursor }), 'INVALID_CURSOR');
    });

    it('refuses a cursor together with externalAccountId with INVALID_REQUEST', async () => {
      const context = createTestContext();
      const cursor = CustomerListCursorCodec.encode({ createdAt: new Date('2030-01-01T00:00:01.234Z'), id: '00000000-0000-4000-8000-000000000001' });
      await expectRejection(context.listCustomers.execute({ externalAccountId: 'acct-1', cursor }), 'INVALID_REQUEST');
    });

    it('round-trips the cursors it issues', () => {
      const cursor = { createdAt: new Date('2030-01-01T00:00:01.234Z'), id: '00000000-0000-4000-8000-000000000001' };
      expect(CustomerListCursorCodec.decode(CustomerListCursorCodec.encode(cursor))).to.deep.equal(cursor);
    });
  });
});
