import type { Currency } from '../money.value-object';
import type { SubscriptionEventBase } from './subscription-event-base';

/** Charge `attempt` for `periodIndex` failed; attempt `attempt + 1` is due at `nextAttemptAt`. */
export interface SubscriptionPastDue extends SubscriptionEventBase {
  readonly type: 'SubscriptionPastDue';
  readonly planId: string;
  readonly planVersion: number;
  readonly periodIndex: number;
  readonly attempt: number;
  readonly nextAttemptAt: Date;
  readonly amount: number;
  readonly currency: Currency;
}
