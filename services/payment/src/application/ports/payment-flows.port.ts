import type { MessageContext } from '@billing/platform';

/**
 * The tracing context of the call that opened a payment. The gateway knows nothing of our correlation ids: a webhook
 * about a payment continues the flow that opened it, caused by the gateway's event.
 */
export interface PaymentFlows {
  /** undefined for an intent of no payment here (or a payment opened before its context was stored). */
  flowContextOf(gatewayPaymentIntentId: string, gatewayEventId: string): Promise<MessageContext | undefined>;
}
