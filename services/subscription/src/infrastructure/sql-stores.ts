import { randomUUID } from 'node:crypto';
import { newTraceparent, type MessageContext, type SqlExecutor, type UnitOfWork } from '@billing/platform';
import type { SchedulerStores, SchedulerUnitOfWork } from '../application/ports/subscription-unit-of-work.port';
import type { Clock } from '../application/ports/clock.port';
import { SqlPlanRepository } from './sql-plan.repository';
import { SqlCustomerDirectory, SqlHeldPaymentResults, SqlRenewalRequests } from './sql-side-stores';
import { SqlSubscriptionRepository } from './sql-subscription.repository';

/** Every store of this service bound to one transaction; events written through them carry `context`. */
export function sqlStores(tx: SqlExecutor, context: MessageContext, clock: Clock) {
  const subscriptions = new SqlSubscriptionRepository(tx, context);
  const plans = new SqlPlanRepository(tx, () => clock.now());
  return {
    subscriptions,
    subscriptionQueries: subscriptions,
    plans,
    planQueries: plans,
    customers: new SqlCustomerDirectory(tx),
    heldPayments: new SqlHeldPaymentResults(tx),
    renewalRequests: new SqlRenewalRequests(tx, context),
  };
}

export type SqlStores = ReturnType<typeof sqlStores>;

/** The scheduler's transactions: each starts a new correlation (nothing caused it but the clock). */
export class SqlSchedulerUnitOfWork implements SchedulerUnitOfWork {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  transaction<T>(work: (stores: SchedulerStores) => Promise<T>): Promise<T> {
    const context: MessageContext = { correlationId: randomUUID(), traceparent: newTraceparent() };
    return this.unitOfWork.transaction((tx) => work(sqlStores(tx, context, this.clock)));
  }
}
