import type { Currency } from '../money.value-object';
import type { PaymentPurpose } from '../payment-reference.value-object';

/**
 * Fields every payment domain event carries, so the integration-event mapper needs nothing but the event.
 * paymentId is the outbox aggregate id (the Kafka key); the outbox writer assigns event ids.
 * `referenceId` is the subscriptionId or topUpId; `periodIndex` is set for SUBSCRIPTION_PERIOD and `credits` for
 * CREDIT_TOP_UP, the other is null.
 */
export interface PaymentEventBase {
  readonly paymentId: string;
  readonly customerId: string;
  readonly occurredAt: Date;
  readonly purpose: PaymentPurpose;
  readonly referenceId: string;
  readonly periodIndex: number | null;
  readonly credits: number | null;
  readonly amount: number;
  readonly currency: Currency;
}

/** Events about an intent that exists at the gateway. */
export interface IntentEventBase extends PaymentEventBase {
  readonly gatewayPaymentIntentId: string;
  readonly attempt: number;
}
