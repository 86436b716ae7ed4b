import type { IntentEventBase } from './payment-event.base';

/** Internal: the customer confirmed the same on-session intent again after a failure; `attempt` is the new one. */
export interface PaymentRetried extends IntentEventBase {
  readonly type: 'PaymentRetried';
}
