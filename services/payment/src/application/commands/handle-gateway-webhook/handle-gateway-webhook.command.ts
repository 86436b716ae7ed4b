import type { MessageContext } from '@billing/platform';

/** POST /v1/webhooks/stripe: the delivery exactly as received (the signature covers the raw bytes). */
export interface HandleGatewayWebhook {
  readonly rawBody: Uint8Array;
  /** The gateway's signature header (Stripe-Signature); undefined when the delivery has none. */
  readonly signatureHeader: string | undefined;
  /** The request's own context: the webhook's context when it is about no payment of ours. */
  readonly context: MessageContext;
}
