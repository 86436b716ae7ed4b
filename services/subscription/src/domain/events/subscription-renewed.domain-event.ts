import type { BillingPeriod } from '../billing-interval.value-object';
import type { Currency } from '../money.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/** Period `period.index` (≥ 2) is paid; recorded exactly once per period however often the payment arrives. */
export interface SubscriptionRenewed extends SubscriptionEventBase {
  readonly type: 'SubscriptionRenewed';
  readonly planId: string;
  readonly planVersion: number;
  readonly period: BillingPeriod;
  readonly amount: number;
  readonly currency: Currency;
  readonly credits: number;
  readonly creditRollover: boolean;
}
