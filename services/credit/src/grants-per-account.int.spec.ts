import { randomUUID } from 'node:crypto';
import { databaseUrlFor, dropDatabase, IdempotencyKeysMigration, MessagingTablesMigration, migrateDatabase, type ServiceSettings } from '@billing/platform';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { CreditTablesMigration } from '../migrations/credit-tables.migration';
import { startCreditService } from './credit-service';
import { type CreditServiceHarness, startCreditServiceHarness } from './testing/credit-service.test-harness';

describe('Grants belong to their account (real PostgreSQL)', function () {
  this.timeout(180_000);

  describe('when one PROMOTION source is granted to 50 customers at once', () => {
    let harness: CreditServiceHarness;
    before(async () => {
      harness = await startCreditServiceHarness();
    });
    after(async () => harness?.close());

    it('makes 50 grants, every account reserves normally, and a replay on one account stays one grant', async () => {
      const promotion = `spring-${randomUUID()}`;
      const customers = Array.from({ length: 50 }, () => `customer-${randomUUID()}`);
      await Promise.all(customers.map((customerId) => harness.openAccount(customerId, 1)));
      const grantPromotion = (customerId: string) =>
        harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount: 100, source: { type: 'PROMOTION', id: promotion } }, idempotencyKey: randomUUID() });

      const answers = await Promise.all(customers.map(grantPromotion));
      expect(answers.map((answer) => answer.status)).to.deep.equal(customers.map(() => 201));
      expect(new Set(answers.map((answer) => answer.body.grantId)).size, 'one grant id per account').to.equal(50);
      const rows = await harness.pool.query("select count(*)::int as grants, count(distinct account_id)::int as accounts from credit_grants where source_type = 'PROMOTION' and source_id = $1", [promotion]);
      expect(rows.rows[0]).to.deep.equal({ grants: 50, accounts: 50 });

      const reservations = await Promise.all(
        customers.map((customerId) => harness.rest('POST', `/v1/accounts/${customerId}/reservations`, { body: { amount: 101, ttlSeconds: 60 }, idempotencyKey: randomUUID() })),
      );
      expect(reservations.map((answer) => answer.status), JSON.stringify(reservations.find((answer) => answer.status !== 201)?.body)).to.deep.equal(customers.map(() => 201));

      const replayed = await Promise.all([grantPromotion(customers[0]!), grantPromotion(customers[0]!)]);
      // A grant is a create (201) even when its source was already granted: created says nothing new was made.
      expect(replayed.map((answer) => [answer.status, answer.body.grantId, answer.body.created])).to.deep.equal([
        [201, answers[0]!.body.grantId, false],
        [201, answers[0]!.body.grantId, false],
      ]);
      const mine = await harness.pool.query(
        "select count(*)::int as count from credit_grants g join credit_accounts a using (account_id) where a.customer_id = $1 and g.source_type = 'PROMOTION' and g.source_id = $2",
        [customers[0], promotion],
      );
      expect(mine.rows[0].count).to.equal(1);
    });
  });

  describe('when accounts were broken the old way (a second customer granted the same source)', () => {
    let settings: ServiceSettings;
    after(async () => {
      if (settings) await dropDatabase(settings.infrastructure.databaseUrl, settings.database);
    });

    it('the migration rebuilds both grant rows from their ledgers and both accounts work again', async () => {
      const infrastructure = await testInfrastructure();
      settings = { service: uniqueName('credit-repair'), database: uniqueName('billing_credit_repair'), httpPort: 0, grpcPort: 0, infrastructure, serviceTokens: 'tests:repair-token-0123456789' };
      await migrateDatabase(infrastructure.databaseUrl, settings.database, [MessagingTablesMigration, IdempotencyKeysMigration, CreditTablesMigration]);
      const first = { customerId: `customer-${randomUUID()}`, accountId: randomUUID() };
      const second = { customerId: `customer-${randomUUID()}`, accountId: randomUUID() };
      const grantId = randomUUID();
      const reservationId = randomUUID();
      const db = new pg.Client({ connectionString: databaseUrlFor(infrastructure.databaseUrl, settings.database) });
      await db.connect();
      try {
        const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes)).toISOString();
        const ledger = (accountId: string, sequence: number, type: string, amount: number, balanceDelta: number, heldDelta: number, reservation: string | null) =>
          db.query('insert into credit_ledger values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [randomUUID(), accountId, sequence, type, grantId, reservation, amount, balanceDelta, heldDelta, t(sequence)]);
        // What the old code wrote: customer 1 is granted 100 of promotion P and spends 30 of it…
        await db.query('insert into credit_accounts values ($1, $2, $3, null, false, 3, 70, 0)', [first.accountId, first.customerId, t(0)]);
        await db.query(
          `insert into credit_grants values ($1, $2, 'PROMOTION', 'P', null, 100, 100, $3, null, 70, 0, 30, 0, 0, null, null)`,
          [grantId, first.accountId, t(1)],
        );
        await ledger(first.accountId, 1, 'grant', 100, 100, 0, null);
        await ledger(first.accountId, 2, 'hold', 30, 0, 30, reservationId);
        await ledger(first.accountId, 3, 'capture', 30, -30, -30, reservationId);
        await db.query(
          `insert into credit_reservations values ($1, $2, 30, 'CAPTURED', $3, $4, $4, $5)`,
          [reservationId, first.accountId, t(2), t(3), JSON.stringify([{ grantId, amount: 30, captured: 30, refunded: 0 }])],
        );
        // …then customer 2 is granted 80 of the same promotion: same grant id, its numbers written over customer 1's row.
        await db.query('insert into credit_accounts values ($1, $2, $3, null, false, 1, 80, 0)', [second.accountId, second.customerId, t(4)]);
        await ledger(second.accountId, 1, 'grant', 80, 80, 0, null);
        await db.query(
          `insert into credit_grants values ($1, $2, 'PROMOTION', 'P', null, 80, 100, $3, null, 80, 0, 0, 0, 0, null, null)
           on conflict (grant_id) do update set remaining = excluded.remaining, held = excluded.held, consumed = excluded.consumed`,
          [grantId, second.accountId, t(4)],
        );
      } finally {
        await db.end();
      }

      const service = await startCreditService(settings, { consumeFromBeginning: false, sweepIntervalMs: 60_000 });
      try {
        const pool = new pg.Pool({ connectionString: service.runtime.databaseUrl, max: 1 });
        const grants = await pool.query(
          'select a.customer_id, g.grant_id, g.amount::int, g.remaining::int, g.consumed::int from credit_grants g join credit_accounts a using (account_id) order by g.amount desc',
        );
        await pool.end();
        expect(grants.rows).to.deep.equal([
          { customer_id: first.customerId, grant_id: grantId, amount: 100, remaining: 70, consumed: 30 },
          { customer_id: second.customerId, grant_id: grantId, amount: 80, remaining: 80, consumed: 0 },
        ]);
        const rest = (path: string, body: unknown) =>
          fetch(`${service.httpUrl}${path}`, {
            method: 'POST',
            headers: { authorization: 'Bearer repair-token-0123456789', 'content-type': 'application/json', 'idempotency-key': randomUUID() },
            body: JSON.stringify(body),
          }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
        expect((await rest(`/v1/accounts/${first.customerId}/reservations`, { amount: 70, ttlSeconds: 60 })).status).to.equal(201);
        expect((await rest(`/v1/accounts/${second.customerId}/reservations`, { amount: 80, ttlSeconds: 60 })).status).to.equal(201);
        const again = await rest(`/v1/accounts/${second.customerId}/grants`, { amount: 80, source: { type: 'PROMOTION', id: 'P' } });
        expect([again.status, again.body.grantId, again.body.created], 'the repaired grant is found by its source').to.deep.equal([201, grantId, false]);
      } finally {
        await service.close();
      }
    });
  });
});
