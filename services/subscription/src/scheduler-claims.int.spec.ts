import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { databaseUrlFor, dropDatabase, migrateDatabase, MikroOrmUnitOfWork } from '@billing/platform';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { subscriptionMigrations } from '../migrations';
import { ProcessDueSubscriptionsHandler } from './application/commands/process-due-subscriptions/process-due-subscriptions.handler';
import { ManualClock } from './application/testing/manual-clock';
import { DunningPolicy } from './domain/dunning-policy';
import { Plan } from './domain/plan.entity';
import { Subscription } from './domain/subscription.aggregate';
import { SqlSchedulerUnitOfWork, sqlStores } from './infrastructure/sql-stores';

const PAID_AT = new Date('2030-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const COUNT = 40;
const context = { correlationId: 'scheduler-test' };

/**
 * Two scheduler processes on one database, modelled as two MikroORM instances (two connection pools), each running
 * two ticks at once with small batches: they claim with FOR UPDATE SKIP LOCKED, so no period is asked for twice.
 */
describe('Renewal scheduler instances running at once (real PostgreSQL)', function () {
  this.timeout(30_000);
  let serverUrl: string;
  let database: string;
  let orms: MikroORM[];
  let pool: pg.Pool;
  const clock = new ManualClock(PAID_AT);

  before(async () => {
    serverUrl = (await testInfrastructure()).databaseUrl;
    database = uniqueName('billing_subscription_sched');
    await migrateDatabase(serverUrl, database, subscriptionMigrations);
    const clientUrl = databaseUrlFor(serverUrl, database);
    orms = await Promise.all(
      [1, 2].map(() =>
        MikroORM.init({ driver: PostgreSqlDriver, clientUrl, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 1, max: 4 } }),
      ),
    );
    pool = new pg.Pool({ connectionString: clientUrl, max: 2 });
    const plan = Plan.create({
      planId: 'plan-monthly',
      code: 'monthly',
      name: 'Monthly',
      price: { amount: 1_000, currency: 'EUR' },
      interval: 'month',
      creditsPerPeriod: 10,
      creditRollover: false,
      trialDays: 0,
    });
    await new MikroOrmUnitOfWork(orms[0]!.em as EntityManager).transaction(async (tx) => {
      const { subscriptions, plans } = sqlStores(tx, context, clock);
      await plans.add(plan);
      for (let i = 0; i < COUNT; i += 1) {
        const subscription = Subscription.create({ subscriptionId: `sub-${i}`, customerId: `cus-${i}`, plan, now: PAID_AT });
        subscription.recordPaymentSucceeded(1, PAID_AT);
        await subscriptions.save(subscription);
      }
    });
  });

  after(async () => {
    await Promise.all((orms ?? []).map((orm) => orm.close()));
    await pool?.end();
    if (database) await dropDatabase(serverUrl, database);
  });

  /** Four ticks at once: two per "process". */
  async function concurrentTicks() {
    const schedulers = orms.flatMap((orm) => {
      const unitOfWork = new SqlSchedulerUnitOfWork(new MikroOrmUnitOfWork(orm.em as EntityManager), clock);
      return [1, 2].map(
        () => new ProcessDueSubscriptionsHandler({ unitOfWork, clock, dunningPolicy: DunningPolicy.standard(), batchSize: 3 }),
      );
    });
    return Promise.all(schedulers.map((scheduler) => scheduler.execute()));
  }

  const renewalDueRows = async () =>
    (
      await pool.query<{ aggregate_id: string; attempt: number; n: number }>(
        `select aggregate_id, (payload->>'attempt')::int as attempt, count(*)::int as n from outbox
         where event_type = 'SubscriptionRenewalDue' group by 1, 2 order by 1, 2`,
      )
    ).rows;

  it('emits exactly one SubscriptionRenewalDue per subscription and period', async () => {
    clock.set(new Date(PAID_AT.getTime() + 32 * DAY_MS));
    const results = await concurrentTicks();
    expect(results.reduce((sum, result) => sum + result.renewed, 0), 'renewals handled').to.equal(COUNT);
    const again = await concurrentTicks();
    expect(again.reduce((sum, result) => sum + result.renewed, 0), 'nothing left on the next ticks').to.equal(0);

    const rows = await renewalDueRows();
    expect(rows).to.have.length(COUNT);
    expect(rows.every((row) => row.n === 1 && row.attempt === 1)).to.equal(true);
    const requests = await pool.query('select subscription_id, period_index, attempt from renewal_requests');
    expect(requests.rowCount).to.equal(COUNT);
    expect(requests.rows.every((row) => row.period_index === 2 && row.attempt === 1)).to.equal(true);
  });

  it('asks for each dunning retry exactly once', async () => {
    await new MikroOrmUnitOfWork(orms[1]!.em as EntityManager).transaction(async (tx) => {
      const { subscriptions } = sqlStores(tx, context, clock);
      for (let i = 0; i < COUNT; i += 1) {
        const subscription = (await subscriptions.findById(`sub-${i}`))!;
        subscription.recordPaymentFailed(2, 1, clock.now(), DunningPolicy.standard());
        await subscriptions.save(subscription);
      }
    });
    clock.advance(DAY_MS);
    const results = await concurrentTicks();
    await concurrentTicks();
    expect(results.reduce((sum, result) => sum + result.retriesRequested, 0)).to.equal(COUNT);
    const retries = (await renewalDueRows()).filter((row) => row.attempt === 2);
    expect(retries).to.have.length(COUNT);
    expect(retries.every((row) => row.n === 1)).to.equal(true);
  });

  it('refuses, in the database, a second request for the same period', async () => {
    const error = await pool
      .query("insert into renewal_requests (subscription_id, period_index, attempt, requested_at) values ('sub-0', 2, 1, now())")
      .then(
        () => undefined,
        (caught: { code?: string }) => caught,
      );
    expect(error?.code).to.equal('23505');
  });
});
