import type { WebhookDeliveries, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryPosition } from '../ports/webhook-deliveries.port';

/** The delivery log without a database; the kit's fake transaction drops a failed transaction's rows with restore(). */
export class InMemoryWebhookDeliveries implements WebhookDeliveries {
  readonly rows: (WebhookDelivery & { deliveryId: string })[] = [];

  async record(delivery: WebhookDelivery): Promise<void> {
    this.rows.push({ ...delivery, deliveryId: String(this.rows.length + 1).padStart(12, '0') });
  }

  async listFor(payment: { paymentId: string; paymentIntentId: string | null }, limit: number, after?: WebhookDeliveryPosition): Promise<WebhookDeliveryPage> {
    const key = (row: { receivedAt: Date; deliveryId: string }) => `${row.receivedAt.toISOString()}|${row.deliveryId}`;
    const matching = this.rows
      .filter((row) => row.paymentId === payment.paymentId || (row.paymentIntentId !== null && row.paymentIntentId === payment.paymentIntentId))
      .filter((row) => after === undefined || key(row) < key(after))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    const data = matching.slice(0, limit);
    const last = data.at(-1);
    return { data, next: matching.length > limit && last ? { receivedAt: last.receivedAt, deliveryId: last.deliveryId } : null };
  }

  snapshot(): number {
    return this.rows.length;
  }

  restore(length: number): void {
    this.rows.length = length;
  }
}
