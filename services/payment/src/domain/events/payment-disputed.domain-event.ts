import type { DisputeStatus } from '../dispute-status';
import type { IntentEventBase } from './payment-event.base';

/** The first time a dispute is seen (even if it is already closed: PaymentDisputeClosed then follows). */
export interface PaymentDisputed extends IntentEventBase {
  readonly type: 'PaymentDisputed';
  readonly disputeId: string;
  readonly chargeId: string | null;
  readonly disputeStatus: DisputeStatus;
  readonly amountDisputed: number;
  /** warning_* statuses: an inquiry, no funds withdrawn. */
  readonly inquiry: boolean;
}
