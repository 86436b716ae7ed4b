import type { IntegrationEvents } from '@billing/platform/contracts';
import type { BillingPeriod } from '../domain/billing-interval.value-object';
import type { SubscriptionDomainEvent } from '../domain/events/subscription.domain-event';
import type { RenewalCharge } from '../application/ports/renewal-requests.port';

/** The subscription context's integration events (schemas/subscription/*.avsc), all on billing.subscription.v1. */
export type SubscriptionIntegrationEventType =
  | 'SubscriptionCreated'
  | 'SubscriptionActivated'
  | 'SubscriptionRenewalDue'
  | 'SubscriptionRenewed'
  | 'SubscriptionPastDue'
  | 'SubscriptionCanceled'
  | 'SubscriptionPlanChanged'
  | 'SubscriptionUpgradeRequested'
  | 'SubscriptionUpgradeFailed';

export type SubscriptionIntegrationEvent = {
  [T in SubscriptionIntegrationEventType]: { eventType: T; payload: IntegrationEvents[T] };
}[SubscriptionIntegrationEventType];

export const SUBSCRIPTION_AGGREGATE = 'subscription';

const iso = (date: Date): string => date.toISOString();

const period = (value: BillingPeriod) => ({
  periodIndex: value.index,
  periodStart: iso(value.start),
  periodEnd: iso(value.end),
});

/** The one place where the subscription domain's events become the billing.subscription.v1 contracts. */
export function toIntegrationEvent(event: SubscriptionDomainEvent): SubscriptionIntegrationEvent {
  const base = { subscriptionId: event.subscriptionId, customerId: event.customerId, occurredAt: iso(event.occurredAt) };
  switch (event.type) {
    case 'SubscriptionCreated':
      return {
        eventType: 'SubscriptionCreated',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          status: event.status,
          periodIndex: event.periodIndex,
          amountDue: event.amountDue,
          currency: event.currency,
          trialEndsAt: event.trialEndsAt ? iso(event.trialEndsAt) : null,
        },
      };
    case 'SubscriptionActivated':
      return {
        eventType: 'SubscriptionActivated',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          ...period(event.period),
          amount: event.amount,
          currency: event.currency,
          creditsPerPeriod: event.creditsPerPeriod,
          creditRollover: event.creditRollover,
          lowBalanceThreshold: event.lowBalanceThreshold,
        },
      };
    case 'SubscriptionRenewalDue':
      return {
        eventType: 'SubscriptionRenewalDue',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          periodIndex: event.periodIndex,
          periodStart: iso(event.periodStart),
          periodEnd: iso(event.periodEnd),
          amount: event.amount,
          currency: event.currency,
          attempt: 1,
        },
      };
    case 'SubscriptionRenewed':
      return {
        eventType: 'SubscriptionRenewed',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          ...period(event.period),
          amount: event.amount,
          currency: event.currency,
          credits: event.credits,
          creditRollover: event.creditRollover,
        },
      };
    case 'SubscriptionPastDue':
      return {
        eventType: 'SubscriptionPastDue',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          periodIndex: event.periodIndex,
          attempt: event.attempt,
          nextAttemptAt: iso(event.nextAttemptAt),
          amount: event.amount,
          currency: event.currency,
        },
      };
    case 'SubscriptionCanceled':
      return {
        eventType: 'SubscriptionCanceled',
        payload: {
          ...base,
          planId: event.planId,
          planVersion: event.planVersion,
          status: event.status,
          reason: event.reason,
          effectiveAt: iso(event.effectiveAt),
          lastPaidPeriodIndex: event.lastPaidPeriodIndex,
        },
      };
    case 'SubscriptionPlanChanged':
      return {
        eventType: 'SubscriptionPlanChanged',
        payload: {
          ...base,
          fromPlanId: event.fromPlan.planId,
          fromPlanVersion: event.fromPlan.version,
          toPlanId: event.toPlan.planId,
          toPlanVersion: event.toPlan.version,
          effectiveAt: iso(event.effectiveAt),
          periodIndex: event.period ? event.period.index : null,
          periodStart: event.period ? iso(event.period.start) : null,
          periodEnd: event.period ? iso(event.period.end) : null,
          proratedCredits: event.proratedCredits,
          creditRollover: event.creditRollover,
        },
      };
    case 'SubscriptionUpgradeRequested':
      return {
        eventType: 'SubscriptionUpgradeRequested',
        payload: {
          ...base,
          changeId: event.changeId,
          fromPlanId: event.fromPlan.planId,
          fromPlanVersion: event.fromPlan.version,
          toPlanId: event.toPlan.planId,
          toPlanVersion: event.toPlan.version,
          periodIndex: event.period.index,
          periodStart: iso(event.period.start),
          periodEnd: iso(event.period.end),
          amount: event.amount,
          currency: event.currency,
          proratedCredits: event.proratedCredits,
        },
      };
    case 'SubscriptionUpgradeFailed':
      return {
        eventType: 'SubscriptionUpgradeFailed',
        payload: {
          ...base,
          changeId: event.changeId,
          toPlanId: event.toPlan.planId,
          toPlanVersion: event.toPlan.version,
          periodIndex: event.periodIndex,
          reason: event.reason,
          detail: event.detail,
        },
      };
    default:
      return unreachable(event);
  }
}

/** A dunning retry is not an aggregate event (dunningAttemptDue is a query); it is published as RenewalDue{attempt}. */
export function retryToIntegrationEvent(charge: RenewalCharge): SubscriptionIntegrationEvent {
  return {
    eventType: 'SubscriptionRenewalDue',
    payload: {
      subscriptionId: charge.subscriptionId,
      customerId: charge.customerId,
      planId: charge.planId,
      planVersion: charge.planVersion,
      periodIndex: charge.periodIndex,
      periodStart: iso(charge.periodStart),
      periodEnd: iso(charge.periodEnd),
      amount: charge.amount,
      currency: charge.currency,
      attempt: charge.attempt,
      occurredAt: iso(charge.occurredAt),
    },
  };
}

function unreachable(event: never): never {
  throw new Error(`unmapped subscription event ${JSON.stringify(event)}`);
}
