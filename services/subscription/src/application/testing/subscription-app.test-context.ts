// Test-only wiring for the subscription application specs: in-memory fakes behind every port, every handler on them.
import { expect } from 'chai';
import { DunningPolicy } from '../../domain/dunning-policy';
import type { Subscription } from '../../domain/subscription.aggregate';
import { ApplicationError } from '../application.errors';
import type { CreatePlanCommand } from '../commands/create-plan/create-plan.command';
import type { SubscriptionStores } from '../ports/subscription-stores.port';
import type { SchedulerUnitOfWork } from '../ports/subscription-unit-of-work.port';
import { subscriptionUseCases } from '../subscription-use-cases';
import type { PlanView, SubscriptionView } from '../subscription.view';
import { InMemoryPlanRepository } from './in-memory-plan.repository';
import { InMemoryCustomerDirectory, InMemoryHeldPaymentResults, InMemoryRenewalRequests } from './in-memory-side-stores';
import { InMemoryStore } from './in-memory-store';
import { InMemorySubscriptionRepository } from './in-memory-subscription.repository';
import { ManualClock } from './manual-clock';
import { SequentialIds } from './sequential-ids';

export const T0 = new Date('2030-01-31T10:00:00.000Z');
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const CUSTOMER = 'cus_ada';
export const UNKNOWN_ID = '99999999-9999-4999-8999-999999999999';

export function createTestContext(options: { dunning?: readonly number[] } = {}) {
  const store = new InMemoryStore();
  const clock = new ManualClock(T0);
  const ids = new SequentialIds();
  const dunningPolicy = DunningPolicy.of(options.dunning ?? [1, 3, 5]);
  const subscriptions = new InMemorySubscriptionRepository(store);
  const plans = new InMemoryPlanRepository(store);
  const customers = new InMemoryCustomerDirectory(store);
  const heldPayments = new InMemoryHeldPaymentResults(store);
  const renewalRequests = new InMemoryRenewalRequests(store);
  /** Like the SQL unit of work: all or nothing. */
  const unitOfWork: SchedulerUnitOfWork = {
    async transaction(work) {
      const rollback = store.snapshot();
      try {
        return await work({ subscriptions: new InMemorySubscriptionRepository(store), heldPayments, renewalRequests });
      } catch (error) {
        rollback();
        throw error;
      }
    },
  };
  /** Runs a handler call as the interface does: inside one transaction that a refusal rolls back. */
  async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
    const rollback = store.snapshot();
    try {
      return await work();
    } catch (error) {
      rollback();
      throw error;
    }
  }
  const stores: SubscriptionStores = {
    subscriptions,
    subscriptionQueries: subscriptions,
    plans,
    planQueries: plans,
    customers,
    heldPayments,
    renewalRequests,
  };
  // The service's own entry point, on the fakes: the specs drive the use cases exactly as the adapters get them.
  const entry = subscriptionUseCases({ storesIn: () => stores, schedulerUnitOfWork: unitOfWork, clock, ids, dunningPolicy, schedulerBatchSize: 2 });
  return {
    store,
    clock,
    ids,
    dunningPolicy,
    subscriptions,
    plans,
    customers,
    heldPayments,
    inTransaction,
    ...entry.useCasesIn(undefined, undefined),
    processDue: entry.processDueSubscriptions,
  };
}

export type TestContext = ReturnType<typeof createTestContext>;

export function planInput(overrides: Partial<CreatePlanCommand> = {}): CreatePlanCommand {
  return {
    code: 'pro',
    name: 'Pro',
    price: { amount: 2_900, currency: 'EUR' },
    interval: 'month',
    creditsPerPeriod: 1_000,
    creditRollover: false,
    trialDays: 0,
    ...overrides,
  };
}

/** A customer known to the projection, billed in `currency`. */
export async function knownCustomer(context: TestContext, customerId = CUSTOMER, currency = 'EUR'): Promise<void> {
  await context.projectCustomer.execute({ customerId, defaultCurrency: currency, occurredAt: context.clock.now() });
}

export async function aPlan(context: TestContext, overrides: Partial<CreatePlanCommand> = {}): Promise<PlanView> {
  return context.createPlan.execute(planInput(overrides));
}

let paymentSequence = 0;
export const nextEventId = (): string => `10000000-0000-4000-8000-${String((paymentSequence += 1)).padStart(12, '0')}`;

/** A known customer with a subscription to a new plan (incomplete, or trialing for a plan with trial days). */
export async function subscribed(context: TestContext, plan: Partial<CreatePlanCommand> = {}): Promise<SubscriptionView> {
  await knownCustomer(context, CUSTOMER, plan.price?.currency ?? 'EUR');
  const created = await aPlan(context, plan);
  return context.createSubscription.execute({ customerId: CUSTOMER, planCode: created.code });
}

/** Period `periodIndex` paid; by default with the amount the subscription charges for it, as payment would report it. */
export async function paid(context: TestContext, subscriptionId: string, periodIndex: number, eventId = nextEventId(), taken?: { amount: number; currency: string }) {
  const subscription = await context.subscriptions.get(subscriptionId);
  const terms = subscription === null ? null : (subscription.pendingDowngrade ?? subscription.plan);
  const amount = taken ?? (terms === null ? { amount: 1, currency: 'EUR' } : { amount: terms.price.amount, currency: terms.price.currency });
  return context.recordPaymentResult.execute({ eventId, paymentId: `pay_${eventId}`, subscriptionId, periodIndex, changeId: null, result: { outcome: 'succeeded', ...amount } });
}

export async function failed(context: TestContext, subscriptionId: string, periodIndex: number, attempt: number) {
  const eventId = nextEventId();
  const result = { outcome: 'failed', attempt, reason: 'card_declined' } as const;
  return context.recordPaymentResult.execute({ eventId, paymentId: `pay_${eventId}`, subscriptionId, periodIndex, changeId: null, result });
}

/** An active subscription: created, period 1 paid at T0. */
export async function active(context: TestContext, plan: Partial<CreatePlanCommand> = {}): Promise<SubscriptionView> {
  const subscription = await subscribed(context, plan);
  await paid(context, subscription.id, 1);
  return context.getSubscription.execute({ subscriptionId: subscription.id });
}

export async function stored(context: TestContext, subscriptionId: string): Promise<Subscription> {
  const subscription = await context.subscriptions.get(subscriptionId);
  expect(subscription, `subscription ${subscriptionId}`).to.not.equal(null);
  return subscription!;
}

/** Awaits `promise`, asserts it rejects with this code (domain or application) and returns the error. */
export async function expectRejection(promise: Promise<unknown>, code: string): Promise<Error & { code: string }> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected ${code}`).to.be.instanceOf(Error);
  expect((error as { code?: string }).code).to.equal(code);
  return error as Error & { code: string };
}

export const isApplicationError = (error: unknown): error is ApplicationError => error instanceof ApplicationError;
