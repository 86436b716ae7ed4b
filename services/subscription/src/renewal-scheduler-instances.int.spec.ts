import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { databaseUrlFor, dropDatabase, type MessageContext, migrateDatabase, MikroOrmUnitOfWork, silentLogger, type SqlExecutor } from '@billing/platform';
import { eventually, testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { subscriptionMigrations } from '../migrations';
import { ProcessDueSubscriptionsHandler } from './application/commands/process-due-subscriptions/process-due-subscriptions.handler';
import type { ProcessDueSubscriptionsResult } from './application/commands/process-due-subscriptions/process-due-subscriptions.command';
import { subscriptionUseCases } from './application/subscription-use-cases';
import { ManualClock } from './application/testing/manual-clock';
import { DunningPolicy } from './domain/dunning-policy';
import { Plan } from './domain/plan.entity';
import { Subscription } from './domain/subscription.aggregate';
import { SqlSchedulerUnitOfWork, sqlStores } from './infrastructure/sql-stores';
import { UuidIds } from './infrastructure/uuid-ids';
import { RenewalSchedulerJob } from './interface/jobs/renewal-scheduler.job';

const PAID_AT = new Date('2030-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
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
  let serverUrl: string;
  let database: string;
  let orms: MikroORM[] = [];
  let pool: pg.Pool;
  const jobs: RenewalSchedulerJob[] = [];
  const clock = new ManualClock(PAID_AT);

  before(async () => {
    serverUrl = (await testInfrastructure()).databaseUrl;
    database = uniqueName('billing_subscription_instances');
    await migrateDatabase(serverUrl, database, subscriptionMigrations);
    const clientUrl = databaseUrlFor(serverUrl, database);
    orms = await Promise.all([1, 2].map(() => MikroORM.init({ driver: PostgreSqlDriver, clientUrl, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 1, max: 4 } })));
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
    await Promise.all(jobs.map((job) => job.stop()));
    await Promise.all(orms.map((orm) => orm.close()));
    await pool?.end();
    if (database) await dropDatabase(serverUrl, database);
  });

  it('asks for each due renewal once, the work split between the instances', async () => {
    const ticks: CountingTick[] = [];
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
