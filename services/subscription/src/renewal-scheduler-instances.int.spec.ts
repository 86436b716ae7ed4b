import type { EntityManager } from '@mikro-orm/postgresql';
import { type MessageContext, MikroOrmUnitOfWork, silentLogger, type SqlExecutor } from '@billing/platform';
import { eventually } from '@billing/testkit';
import { expect } from 'chai';
import { ProcessDueSubscriptionsHandler } from './application/commands/process-due-subscriptions/process-due-subscriptions.handler';
import type { ProcessDueSubscriptionsResult } from './application/commands/process-due-subscriptions/process-due-subscriptions.command';
import { subscriptionUseCases } from './application/subscription-use-cases';
import { DunningPolicy } from './domain/dunning-policy';
import { SqlSchedulerUnitOfWork, sqlStores } from './infrastructure/sql-stores';
import { UuidIds } from './infrastructure/uuid-ids';
import { DAY_MS, PAID_AT, SchedulerInstancesDatabase } from './scheduler-instances.test-harness';
import { RenewalSchedulerJob } from './interface/jobs/renewal-scheduler.job';

const COUNT = 300;
const context = { correlationId: 'scheduler-instances-test' };

/** The scheduler tick of one instance, counting the renewals it handled. */
class CountingTick extends ProcessDueSubscriptionsHandler {
  renewed = 0;
  override async execute(): Promise<ProcessDueSubscriptionsResult> {
    const result = await super.execute();
    this.renewed += result.renewed;
    return result;
  }
}

/**
 * Two instances of the subscription service's renewal scheduler — the job on its own timer, each over its own
 * connection pool (as two processes have), on one database — with N subscriptions due at once: every due period is
 * asked for (SubscriptionRenewalDue, which the payment service charges per subscription, period and attempt) once.
 */
describe('Two renewal scheduler instances on one database (real PostgreSQL)', function () {
  this.timeout(60_000);
  let bed: SchedulerInstancesDatabase;
  const jobs: RenewalSchedulerJob[] = [];

  before(async () => {
    bed = await SchedulerInstancesDatabase.create('billing_subscription_instances', COUNT, context);
  });

  after(async () => {
    await Promise.all(jobs.map((job) => job.stop()));
    await bed?.close();
  });

  it('asks for each due renewal once, the work split between the instances', async () => {
    const ticks: CountingTick[] = [];
    const { orms, pool, clock } = bed;
    for (const orm of orms) {
      const unitOfWork = new SqlSchedulerUnitOfWork(new MikroOrmUnitOfWork(orm.em as EntityManager), clock);
      const tick = new CountingTick({ unitOfWork, clock, dunningPolicy: DunningPolicy.standard(), batchSize: 5 });
      const entry = subscriptionUseCases({
        storesIn: (tx: SqlExecutor, messageContext: MessageContext) => sqlStores(tx, messageContext, clock),
        schedulerUnitOfWork: unitOfWork,
        clock,
        ids: new UuidIds(),
        dunningPolicy: DunningPolicy.standard(),
      });
      ticks.push(tick);
      jobs.push(new RenewalSchedulerJob({ ...entry, processDueSubscriptions: tick }, 5, silentLogger()));
    }
    clock.set(new Date(PAID_AT.getTime() + 32 * DAY_MS));
    for (const job of jobs) job.start();

    const requested = () => pool.query<{ n: number }>('select count(*)::int as n from renewal_requests').then(({ rows }) => rows[0]!.n);
    expect(await eventually(requested, (n) => n >= COUNT, 30_000)).to.equal(COUNT);
    // More ticks of both instances find nothing left to renew.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(jobs.map((job) => job.stop()));

    const { rows } = await pool.query<{ aggregate_id: string; n: number }>(
      `select aggregate_id, count(*)::int as n from outbox where event_type = 'SubscriptionRenewalDue' group by 1`,
    );
    expect(rows, 'one SubscriptionRenewalDue per due subscription').to.have.length(COUNT);
    expect(rows.filter((row) => row.n !== 1), 'none asked for twice').to.deep.equal([]);
    expect(await requested()).to.equal(COUNT);
    expect(ticks.map((tick) => tick.renewed).reduce((sum, renewed) => sum + renewed, 0), 'renewals handled in all').to.equal(COUNT);
    expect(ticks.every((tick) => tick.renewed > 0), `both instances renewed some (${ticks.map((tick) => tick.renewed).join(' + ')})`).to.equal(true);
    process.stdout.write(`      ${COUNT} due renewals: ${ticks.map((tick) => tick.renewed).join(' + ')} by the two instances, each asked once\n`);
  });
});
