import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import { databaseUrlFor, dropDatabase, type MessageContext, migrateDatabase, MikroOrmUnitOfWork } from '@billing/platform';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import pg from 'pg';
import { subscriptionMigrations } from '../migrations';
import { ManualClock } from './application/testing/manual-clock';
import { Plan } from './domain/plan.entity';
import { Subscription } from './domain/subscription.aggregate';
import { sqlStores } from './infrastructure/sql-stores';

export const PAID_AT = new Date('2030-03-01T12:00:00.000Z');
export const DAY_MS = 86_400_000;

/**
 * A fresh subscription database with `count` monthly subscriptions whose first period was paid at PAID_AT (so all
 * fall due together a month later), and two MikroORM instances on it — two connection pools, as two scheduler
 * processes have — plus a plain pool for the test's own reads.
 */
export class SchedulerInstancesDatabase {
  readonly clock = new ManualClock(PAID_AT);

  private constructor(
    private readonly serverUrl: string,
    private readonly database: string,
    readonly orms: MikroORM[],
    readonly pool: pg.Pool,
  ) {}

  static async create(name: string, count: number, context: MessageContext): Promise<SchedulerInstancesDatabase> {
    const serverUrl = (await testInfrastructure()).databaseUrl;
    const database = uniqueName(name);
    await migrateDatabase(serverUrl, database, subscriptionMigrations);
    const clientUrl = databaseUrlFor(serverUrl, database);
    const orms = await Promise.all(
      [1, 2].map(() => MikroORM.init({ driver: PostgreSqlDriver, clientUrl, entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 1, max: 4 } })),
    );
    const bed = new SchedulerInstancesDatabase(serverUrl, database, orms, new pg.Pool({ connectionString: clientUrl, max: 2 }));
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
      const { subscriptions, plans } = sqlStores(tx, context, bed.clock);
      await plans.add(plan);
      for (let i = 0; i < count; i += 1) {
        const subscription = Subscription.create({ subscriptionId: `sub-${i}`, customerId: `cus-${i}`, plan, now: PAID_AT });
        subscription.recordPaymentSucceeded(1, PAID_AT);
        await subscriptions.save(subscription);
      }
    });
    return bed;
  }

  async close(): Promise<void> {
    await Promise.all(this.orms.map((orm) => orm.close()));
    await this.pool.end();
    await dropDatabase(this.serverUrl, this.database);
  }
}
