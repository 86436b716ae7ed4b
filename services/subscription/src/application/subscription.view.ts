import type { Plan } from '../domain/plan.entity';
import type { PlanTerms } from '../domain/plan-terms.value-object';
import type { Subscription } from '../domain/subscription.aggregate';

/** What the API shows of a subscription; instants as ISO-8601 strings in UTC. */
export interface PlanTermsView {
  readonly planId: string;
  readonly version: number;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly interval: string;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly lowBalanceThreshold: number | null;
}

export interface SubscriptionView {
  readonly id: string;
  readonly customerId: string;
  readonly status: string;
  readonly plan: PlanTermsView;
  /** A downgrade that takes effect with the next paid period. */
  readonly pendingPlan: PlanTermsView | null;
  readonly createdAt: string;
  readonly trialEndsAt: string | null;
  readonly currentPeriod: { readonly index: number; readonly start: string; readonly end: string } | null;
  /** When the scheduler will next ask for a payment (or cancel at period end); null while one is outstanding. */
  readonly renewalDueAt: string | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly dunning: { readonly periodIndex: number; readonly attempt: number; readonly nextAttemptAt: string } | null;
  readonly cancellation: { readonly reason: string; readonly effectiveAt: string } | null;
  /** The last mid-period upgrade: waiting for its payment, applied, or failed (the plan stayed) and why. */
  readonly upgrade: {
    readonly changeId: string;
    readonly toPlan: PlanTermsView;
    readonly periodIndex: number;
    readonly amount: number;
    readonly currency: string;
    readonly proratedCredits: number;
    readonly status: string;
    readonly failureReason: string | null;
    readonly failureDetail: string | null;
    readonly requestedAt: string;
    readonly settledAt: string | null;
  } | null;
}

export interface PlanView {
  readonly planId: string;
  readonly code: string;
  readonly version: number;
  readonly name: string;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly interval: string;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly trialDays: number;
  readonly active: boolean;
  readonly lowBalanceThreshold: number | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toPlanTermsView(terms: PlanTerms): PlanTermsView {
  return {
    planId: terms.planId,
    version: terms.version,
    price: { amount: terms.price.amount, currency: terms.price.currency },
    interval: terms.interval,
    creditsPerPeriod: terms.creditsPerPeriod,
    creditRollover: terms.creditRollover,
    lowBalanceThreshold: terms.lowBalanceThreshold,
  };
}

export function toSubscriptionView(subscription: Subscription): SubscriptionView {
  const state = subscription.toState();
  return {
    id: state.subscriptionId,
    customerId: state.customerId,
    status: state.status,
    plan: toPlanTermsView(state.plan),
    pendingPlan: state.pendingDowngrade ? toPlanTermsView(state.pendingDowngrade) : null,
    createdAt: state.createdAt.toISOString(),
    trialEndsAt: iso(state.trialEndsAt),
    currentPeriod: state.currentPeriod
      ? {
          index: state.currentPeriod.index,
          start: state.currentPeriod.start.toISOString(),
          end: state.currentPeriod.end.toISOString(),
        }
      : null,
    renewalDueAt: iso(subscription.renewalDueAt),
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    dunning: state.dunning
      ? {
          periodIndex: state.dunning.periodIndex,
          attempt: state.dunning.attempt,
          nextAttemptAt: state.dunning.nextAttemptAt.toISOString(),
        }
      : null,
    cancellation: state.cancellation
      ? { reason: state.cancellation.reason, effectiveAt: state.cancellation.effectiveAt.toISOString() }
      : null,
    upgrade: state.upgrade
      ? {
          changeId: state.upgrade.changeId,
          toPlan: toPlanTermsView(state.upgrade.to),
          periodIndex: state.upgrade.periodIndex,
          amount: state.upgrade.amount,
          currency: state.upgrade.to.price.currency,
          proratedCredits: state.upgrade.proratedCredits,
          status: state.upgrade.status,
          failureReason: state.upgrade.failureReason,
          failureDetail: state.upgrade.failureDetail,
          requestedAt: state.upgrade.requestedAt.toISOString(),
          settledAt: iso(state.upgrade.settledAt),
        }
      : null,
  };
}

export function toPlanView(plan: Plan): PlanView {
  return plan.toProps();
}
