import type { IntentEventBase } from './payment-event.base';

/** Recorded once per payment, on the move to `succeeded`. Maps to the PaymentSucceeded integration event. */
export interface PaymentSucceeded extends IntentEventBase {
  readonly type: 'PaymentSucceeded';
}
