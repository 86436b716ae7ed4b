import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroOrmUnitOfWork } from '@billing/platform';
import { expect } from 'chai';
import type pg from 'pg';
import { ProcessDueSubscriptionsHandler } from './application/commands/process-due-subscriptions/process-due-subscriptions.handler';
import type { ManualClock } from './application/testing/manual-clock';
import { DunningPolicy } from './domain/dunning-policy';
import { SqlSchedulerUnitOfWork, sqlStores } from './infrastructure/sql-stores';
import { DAY_MS, PAID_AT, SchedulerInstancesDatabase } from './scheduler-instances.test-harness';

const COUNT = 40;
const context = { correlationId: 'scheduler-test' };

/**
 * Two scheduler processes on one database, modelled as two MikroORM instances (two connection pools), each running
 * two ticks at once with small batches: they claim with FOR UPDATE SKIP LOCKED, so no period is asked for twice.
 */
describe('Renewal scheduler instances running at once (real PostgreSQL)', function () {
  this.timeout(30_000);
  let bed: SchedulerInstancesDatabase;
  let orms: MikroORM[];
  let pool: pg.Pool;
  let clock: ManualClock;

  before(async () => {
    bed = await SchedulerInstancesDatabase.create('billing_subscription_sched', COUNT, context);
    ({ orms, pool, clock } = bed);
  });

  after(async () => {
    await bed?.close();
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
