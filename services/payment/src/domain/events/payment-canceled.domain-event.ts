import type { IntentEventBase } from './payment-event.base';

export interface PaymentCanceled extends IntentEventBase {
  readonly type: 'PaymentCanceled';
  /** Stripe's `cancellation_reason`, when given. */
  readonly cancellationReason: string | null;
}
