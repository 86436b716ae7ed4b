import type { IntentEventBase } from './payment-event.base';

/** One per refund id. `amountRefunded` is this refund; `totalRefunded` all refunds so far (≤ amount). */
export interface PaymentRefunded extends IntentEventBase {
  readonly type: 'PaymentRefunded';
  readonly refundId: string;
  readonly chargeId: string | null;
  readonly amountRefunded: number;
  readonly totalRefunded: number;
  readonly fullyRefunded: boolean;
}
