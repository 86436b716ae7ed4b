import type { BillingPeriod } from '../billing-interval.value-object';
import type { PlanRef } from '../plan-terms.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * The subscription bills by `toPlan` from `effectiveAt`. An upgrade takes effect at once and grants
 * `proratedCredits` of the new plan for the rest of `period` (formula in proration.ts); a downgrade takes effect
 * at a renewal, where SubscriptionRenewed grants the new plan's credits, so `proratedCredits` is 0. `period` is
 * null during a trial (no billing period yet, nothing prorated).
 */
export interface SubscriptionPlanChanged extends SubscriptionEventBase {
  readonly type: 'SubscriptionPlanChanged';
  readonly fromPlan: PlanRef;
  readonly toPlan: PlanRef;
  readonly effectiveAt: Date;
  readonly period: BillingPeriod | null;
  readonly proratedCredits: number;
  readonly creditRollover: boolean;
}
