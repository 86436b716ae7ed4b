import type { Currency } from '../money.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * Without a trial the customer owes period 1 now (`amountDue` = price) and payment opens a PaymentIntent for it;
 * in a trial nothing is owed (`amountDue` 0) until `trialEndsAt`, when SubscriptionRenewalDue asks for period 1.
 */
export interface SubscriptionCreated extends SubscriptionEventBase {
  readonly type: 'SubscriptionCreated';
  readonly planId: string;
  readonly planVersion: number;
  readonly status: 'incomplete' | 'trialing';
  readonly periodIndex: 1;
  readonly amountDue: number;
  readonly currency: Currency;
  readonly trialEndsAt: Date | null;
}
