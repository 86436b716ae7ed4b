import type { BillingPeriod } from '../billing-interval.value-object';
import type { Currency } from '../money.value-object';
import type { PlanRef } from '../plan-terms.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * A mid-period upgrade asks payment to charge `amount` (the prorated price difference) off-session. The subscription
 * keeps billing by `fromPlan` until that payment succeeds; then SubscriptionPlanChanged grants `proratedCredits`.
 */
export interface SubscriptionUpgradeRequested extends SubscriptionEventBase {
  readonly type: 'SubscriptionUpgradeRequested';
  readonly changeId: string;
  readonly fromPlan: PlanRef;
  readonly toPlan: PlanRef;
  readonly period: BillingPeriod;
  readonly amount: number;
  readonly currency: Currency;
  readonly proratedCredits: number;
}
