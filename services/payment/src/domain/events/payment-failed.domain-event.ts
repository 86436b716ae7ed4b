import type { IntentEventBase } from './payment-event.base';

/**
 * Recorded on the move to `failed`, once per attempt. `reason` is the decline code when the gateway gave one, else
 * the error code (e.g. `insufficient_funds`, `authentication_required`); `attempt` is what dunning counts.
 */
export interface PaymentFailed extends IntentEventBase {
  readonly type: 'PaymentFailed';
  readonly reason: string;
  readonly failureCode: string;
  readonly declineCode: string | null;
  readonly message: string;
}
