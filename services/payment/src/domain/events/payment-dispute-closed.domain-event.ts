import type { ClosedDisputeStatus } from '../dispute-status';
import type { IntentEventBase } from './payment-event.base';

/** Once per dispute. `lost` means the disputed amount is gone for good. */
export interface PaymentDisputeClosed extends IntentEventBase {
  readonly type: 'PaymentDisputeClosed';
  readonly disputeId: string;
  readonly chargeId: string | null;
  readonly disputeStatus: ClosedDisputeStatus;
  readonly amountDisputed: number;
}
