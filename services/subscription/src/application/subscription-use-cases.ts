import type { DunningPolicy } from '../domain/dunning-policy';
import { CancelSubscriptionHandler } from './commands/cancel-subscription/cancel-subscription.handler';
import { ChangePlanHandler } from './commands/change-plan/change-plan.handler';
import { CreatePlanHandler } from './commands/create-plan/create-plan.handler';
import { CreateSubscriptionHandler } from './commands/create-subscription/create-subscription.handler';
import { ProcessDueSubscriptionsHandler } from './commands/process-due-subscriptions/process-due-subscriptions.handler';
import { ProjectCustomerHandler } from './commands/project-customer/project-customer.handler';
import { RecordPaymentResultHandler } from './commands/record-payment-result/record-payment-result.handler';
import { ResumeSubscriptionHandler } from './commands/resume-subscription/resume-subscription.handler';
import { UpdatePlanHandler } from './commands/update-plan/update-plan.handler';
import type { Clock } from './ports/clock.port';
import type { IdGenerator } from './ports/id-generator.port';
import type { SubscriptionStores } from './ports/subscription-stores.port';
import type { SchedulerUnitOfWork } from './ports/subscription-unit-of-work.port';
import { GetPlanHandler } from './queries/get-plan/get-plan.handler';
import { GetSubscriptionHandler } from './queries/get-subscription/get-subscription.handler';
import { ListCustomerSubscriptionsHandler } from './queries/list-customer-subscriptions/list-customer-subscriptions.handler';
import { ListPlansHandler } from './queries/list-plans/list-plans.handler';

/**
 * What the entry point is built from. `Tx` and `Context` are the adapters' transaction and message context: the
 * application never looks inside them, it only hands them to `storesIn`.
 */
export interface SubscriptionUseCaseDeps<Tx, Context> {
  /** The stores bound to one transaction; events they write carry `context`. */
  readonly storesIn: (tx: Tx, context: Context) => SubscriptionStores;
  /** The scheduler opens its own transactions, one per batch. */
  readonly schedulerUnitOfWork: SchedulerUnitOfWork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly dunningPolicy: DunningPolicy;
  /** Rows the scheduler claims per transaction (default 100). */
  readonly schedulerBatchSize?: number;
  /** Default 23 h. */
  readonly incompleteExpiryMs?: number;
}

/** The use cases one transaction offers: a route, a consumer's handler or a job calls exactly one of them. */
export type UseCasesInTransaction = ReturnType<typeof useCasesOn>;

export interface SubscriptionUseCases<Tx, Context> {
  /** Every request- and event-driven use case, bound to the transaction `tx` (events caused by `context`). */
  useCasesIn(tx: Tx, context: Context): UseCasesInTransaction;
  /** The scheduler tick (expiries, renewals, dunning retries), in transactions of its own. */
  readonly processDueSubscriptions: ProcessDueSubscriptionsHandler;
}

function useCasesOn(stores: SubscriptionStores, deps: { clock: Clock; ids: IdGenerator; dunningPolicy: DunningPolicy }) {
  const { subscriptions, subscriptionQueries, plans, planQueries, customers, heldPayments } = stores;
  const { clock, ids, dunningPolicy } = deps;
  return {
    createPlan: new CreatePlanHandler({ plans, ids }),
    updatePlan: new UpdatePlanHandler({ plans }),
    getPlan: new GetPlanHandler({ plans }),
    listPlans: new ListPlansHandler({ plans: planQueries }),
    createSubscription: new CreateSubscriptionHandler({ subscriptions, plans, customers, clock, ids }),
    getSubscription: new GetSubscriptionHandler({ subscriptions: subscriptionQueries }),
    listCustomerSubscriptions: new ListCustomerSubscriptionsHandler({ subscriptions: subscriptionQueries }),
    cancelSubscription: new CancelSubscriptionHandler({ subscriptions, clock }),
    resumeSubscription: new ResumeSubscriptionHandler({ subscriptions, clock }),
    changePlan: new ChangePlanHandler({ subscriptions, plans, clock, ids }),
    projectCustomer: new ProjectCustomerHandler({ customers }),
    recordPaymentResult: new RecordPaymentResultHandler({ subscriptions, heldPayments, clock, dunningPolicy }),
  };
}

/** The service's one entry point into the application: every inbound adapter gets its use case here. */
export function subscriptionUseCases<Tx, Context>(deps: SubscriptionUseCaseDeps<Tx, Context>): SubscriptionUseCases<Tx, Context> {
  return {
    useCasesIn: (tx, context) => useCasesOn(deps.storesIn(tx, context), deps),
    processDueSubscriptions: new ProcessDueSubscriptionsHandler({
      unitOfWork: deps.schedulerUnitOfWork,
      clock: deps.clock,
      dunningPolicy: deps.dunningPolicy,
      batchSize: deps.schedulerBatchSize,
      incompleteExpiryMs: deps.incompleteExpiryMs,
    }),
  };
}
