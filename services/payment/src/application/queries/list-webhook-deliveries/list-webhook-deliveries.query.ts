import type { WebhookDeliveryPosition } from '../../ports/webhook-deliveries.port';

/** GET /v1/payments/{paymentId}/webhook-deliveries: newest first. */
export interface ListWebhookDeliveries {
  readonly paymentId: string;
  readonly limit: number;
  readonly after?: WebhookDeliveryPosition;
}
