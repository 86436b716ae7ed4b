import type { BillingPeriod } from '../billing-interval.value-object';
import type { Currency } from '../money.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * Period 1 is paid: credit grants `creditsPerPeriod`, expiring at `period.end` unless `creditRollover`, and gives the
 * account the plan's `lowBalanceThreshold` if it has none.
 */
export interface SubscriptionActivated extends SubscriptionEventBase {
  readonly type: 'SubscriptionActivated';
  readonly planId: string;
  readonly planVersion: number;
  readonly period: BillingPeriod;
  readonly amount: number;
  readonly currency: Currency;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly lowBalanceThreshold: number | null;
}
