import type { Currency } from '../money.value-object';
import type { PaymentPurpose } from '../payment-reference.value-object';

/**
 * Fields every payment domain event carries, so the integration-event mapper needs nothing but the event.
 * paymentId is the outbox aggregate id (the Kafka key); the outbox writer assigns event ids.
 * `referenceId` is the subscriptionId or topUpId; `periodIndex` is set for SUBSCRIPTION_PERIOD and SUBSCRIPTION_UPGRADE,
 * `changeId` for SUBSCRIPTION_UPGRADE, `credits` for CREDIT_TOP_UP; the others are null.
 */
export interface PaymentEventBase {
  readonly paymentId: string;
  readonly customerId: string;
  readonly occurredAt: Date;
  readonly purpose: PaymentPurpose;
  readonly referenceId: string;
  readonly periodIndex: number | null;
  readonly changeId: string | null;
  readonly credits: number | null;
  readonly amount: number;
  readonly currency: Currency;
}

/** Events about an intent that exists at the gateway. */
export interface IntentEventBase extends PaymentEventBase {
  readonly gatewayPaymentIntentId: string;
  readonly attempt: number;
}
