import { randomUUID } from 'node:crypto';
import { eventually } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { type CreditServiceHarness, startCreditServiceHarness } from './testing/credit-service.test-harness';

type Call = <T = any>(method: string, request: object) => Promise<T>;

/** Two instances of the credit service on one database and in the same consumer groups, as a scale-out runs them. */
describe('Two credit service instances on one database (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let harness: CreditServiceHarness;
  let instances: Call[];

  before(async () => {
    // Both sweepers every 100 ms, so they race for the same due holds.
    harness = await startCreditServiceHarness({ sweepIntervalMs: 100 });
    const second = await harness.startInstance();
    instances = [(method, request) => harness.call(method, request), second.call];
  });
  after(async () => {
    await harness?.close();
  });

  const ledgerSum = async (customerId: string) =>
    (
      await harness.pool.query(
        'select coalesce(sum(balance_delta), 0)::int as balance, coalesce(sum(held_delta), 0)::int as held from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1',
        [customerId],
      )
    ).rows[0] as { balance: number; held: number };

  // 600 credits against 500 requests per instance, so exactly 600 held means both instances held and their transactions
  // met on the account's lock. With 500, group commit once let one instance's batch take them all.
  describe('when 1,000 reservations of 1 credit race for an account holding 600, spread over both instances', () => {
    it('lets exactly 600 succeed, never overdraws, the ledger sums to the balance, and a replay on the other instance holds nothing more', async () => {
      const customerId = `customer-${randomUUID()}`;
      await harness.openAccount(customerId, 600);
      const reserve = (index: number, instance = index % 2) =>
        instances[instance]!<{ reservationId: string }>('Reserve', { customerId, amount: 1, ttlSeconds: 600, idempotencyKey: `race-${index}` });
      const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, index) => reserve(index)));

      const succeeded = results.flatMap((result, index) => (result.status === 'fulfilled' ? [{ index, reservationId: result.value.reservationId }] : []));
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(succeeded).to.have.length(600);
      expect(refused).to.have.length(400);
      for (const refusal of refused) {
        expect(refusal.reason.code).to.equal(grpc.status.FAILED_PRECONDITION);
        expect(refusal.reason.metadata.get('error-code')[0]).to.equal('INSUFFICIENT_CREDITS');
      }
      const byInstance = [0, 1].map((instance) => succeeded.filter(({ index }) => index % 2 === instance).length);
      process.stdout.write(`      600 holds: ${byInstance.join(' + ')} by the two instances\n`);

      // A client that retries on the other instance (its first answer lost) gets the same reservation.
      const replayed = await Promise.all(succeeded.slice(0, 100).map(({ index }) => reserve(index, 1 - (index % 2))));
      expect(replayed.map((answer) => answer.reservationId)).to.deep.equal(succeeded.slice(0, 100).map(({ reservationId }) => reservationId));

      expect(await harness.call('GetBalance', { customerId })).to.deep.include({ balance: 600, held: 600, available: 0 });
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 600, held: 600 });
      const [account] = (await harness.pool.query('select balance, held from credit_accounts where customer_id = $1', [customerId])).rows;
      expect(Number(account.balance) - Number(account.held), 'available never below zero').to.equal(0);
    });
  });

  describe('when 200 holds on 40 accounts outlive their TTL and both instances sweep', () => {
    it('expires each once: one expire entry and one ReservationExpired per hold, nothing held after', async () => {
      const customers = Array.from({ length: 40 }, () => `customer-${randomUUID()}`);
      for (const customerId of customers) await harness.openAccount(customerId, 10);
      const holds = await Promise.all(
        customers.flatMap((customerId, account) =>
          Array.from({ length: 5 }, (_, hold) =>
            instances[(account + hold) % 2]!<{ reservationId: string }>('Reserve', { customerId, amount: 1, ttlSeconds: 1, idempotencyKey: `expiring-${hold}` }),
          ),
        ),
      );
      const ids = holds.map((hold) => hold.reservationId);
      const expired = () => harness.pool.query<{ n: number }>("select count(*)::int as n from credit_reservations where reservation_id = any($1) and status = 'EXPIRED'", [ids]).then(({ rows }) => rows[0]!.n);
      expect(await eventually(expired, (n) => n === ids.length, 20_000)).to.equal(ids.length);
      // Further sweeps of both instances find nothing left to expire.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const entries = await harness.pool.query<{ reservation_id: string; n: number }>(
        "select reservation_id, count(*)::int as n from credit_ledger where type = 'expire' and reservation_id = any($1) group by 1",
        [ids],
      );
      expect(entries.rows, 'an expire entry per hold').to.have.length(ids.length);
      expect(entries.rows.filter((row) => row.n !== 1), 'none expired twice').to.deep.equal([]);
      const events = await harness.pool.query<{ id: string; n: number }>(
        "select payload ->> 'reservationId' as id, count(*)::int as n from outbox where event_type = 'ReservationExpired' and payload ->> 'reservationId' = any($1) group by 1",
        [ids],
      );
      expect(events.rows, 'a ReservationExpired per hold').to.have.length(ids.length);
      expect(events.rows.filter((row) => row.n !== 1)).to.deep.equal([]);
      for (const customerId of customers) expect(await ledgerSum(customerId)).to.deep.equal({ balance: 10, held: 0 });
    });
  });
});
