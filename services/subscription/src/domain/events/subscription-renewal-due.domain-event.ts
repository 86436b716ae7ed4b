import type { Currency } from '../money.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * Charge period `periodIndex` (attempt 1). Recorded once per period; payment should still key its charge by
 * (subscriptionId, periodIndex, attempt) because delivery is at-least-once. Plan fields name the terms being
 * charged, which differ from the current ones when a downgrade takes effect with this period.
 */
export interface SubscriptionRenewalDue extends SubscriptionEventBase {
  readonly type: 'SubscriptionRenewalDue';
  readonly planId: string;
  readonly planVersion: number;
  readonly periodIndex: number;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly amount: number;
  readonly currency: Currency;
}
