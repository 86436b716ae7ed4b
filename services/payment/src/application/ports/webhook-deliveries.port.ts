export type WebhookDeliveryOutcome = 'applied' | 'duplicate' | 'ignored' | 'failed';

/** One webhook delivery as received: a redelivered event id is a second delivery (outcome duplicate). */
export interface WebhookDelivery {
  readonly eventId: string;
  readonly type: string;
  readonly receivedAt: Date;
  readonly outcome: WebhookDeliveryOutcome;
  /** A short, human-readable why (at most 500 characters). */
  readonly detail: string;
  /** Our payment, when the delivery got as far as finding it. */
  readonly paymentId: string | null;
  /** The gateway's intent the event names, if any: how deliveries that found no payment are still listed with it. */
  readonly paymentIntentId: string | null;
}

export interface WebhookDeliveryPosition {
  readonly receivedAt: Date;
  readonly deliveryId: string;
}

export interface WebhookDeliveryPage {
  readonly data: readonly (WebhookDelivery & { readonly deliveryId: string })[];
  readonly next: WebhookDeliveryPosition | null;
}

/**
 * Every webhook delivery and what came of it, kept apart from the dedup marks (ProcessedWebhookEvents): record runs on
 * the delivery's own transaction (a failed one records on a new transaction after the rollback). listFor: the
 * deliveries of a payment — by its id or its intent — newest first.
 */
export interface WebhookDeliveries {
  record(delivery: WebhookDelivery): Promise<void>;
  listFor(payment: { paymentId: string; paymentIntentId: string | null }, limit: number, after?: WebhookDeliveryPosition): Promise<WebhookDeliveryPage>;
}
