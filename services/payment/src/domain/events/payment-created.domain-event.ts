import type { PaymentEventBase } from './payment-event.base';

/** Internal: the payment is stored before its intent exists. Not an integration event. */
export interface PaymentCreated extends PaymentEventBase {
  readonly type: 'PaymentCreated';
  readonly referenceKey: string;
  readonly offSession: boolean;
  readonly attempt: number;
}
