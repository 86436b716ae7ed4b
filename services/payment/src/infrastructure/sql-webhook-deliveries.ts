import type { SqlExecutor } from '@billing/platform';
import type { WebhookDeliveries, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryPosition } from '../application/ports/webhook-deliveries.port';

interface DeliveryRow {
  delivery_id: string;
  event_id: string;
  event_type: string;
  received_at: Date;
  outcome: WebhookDelivery['outcome'];
  detail: string;
  payment_id: string | null;
  gateway_payment_intent_id: string | null;
}

const DETAIL_LIMIT = 500;

/**
 * The INSERT of delivery records, their rows from seven array parameters starting at `$first` (the values for them in
 * `params`); a caller may make it part of a statement of its own. `where` (SQL) gates the rows.
 */
export function deliveriesInsertSql(deliveries: readonly WebhookDelivery[], first: number, where = 'true'): { sql: string; params: unknown[][] } {
  const params = [
    deliveries.map((delivery) => delivery.eventId),
    deliveries.map((delivery) => delivery.type),
    deliveries.map((delivery) => delivery.receivedAt),
    deliveries.map((delivery) => delivery.outcome),
    deliveries.map((delivery) => delivery.detail.slice(0, DETAIL_LIMIT)),
    deliveries.map((delivery) => delivery.paymentId),
    deliveries.map((delivery) => delivery.paymentIntentId),
  ];
  const types = ['text', 'text', 'timestamptz', 'text', 'text', 'uuid', 'text'];
  return {
    sql: `insert into webhook_deliveries (event_id, event_type, received_at, outcome, detail, payment_id, gateway_payment_intent_id)
      select * from unnest(${types.map((type, index) => `$${first + index}::${type}[]`).join(', ')}) where ${where}`,
    params,
  };
}

/** webhook_deliveries on the caller's transaction. */
export class SqlWebhookDeliveries implements WebhookDeliveries {
  constructor(private readonly tx: SqlExecutor) {}

  async record(delivery: WebhookDelivery): Promise<void> {
    const { sql, params } = deliveriesInsertSql([delivery], 1);
    await this.tx.query(sql, params);
  }

  async listFor(payment: { paymentId: string; paymentIntentId: string | null }, limit: number, after?: WebhookDeliveryPosition): Promise<WebhookDeliveryPage> {
    // Two index scans (by payment, by intent) merged: a delivery that found its payment carries both.
    const rows = await this.tx.query<DeliveryRow>(
      `select * from webhook_deliveries
        where (payment_id = $1 or gateway_payment_intent_id = $2)
          and ($3::timestamptz is null or (received_at, delivery_id) < ($3, $4::bigint))
        order by received_at desc, delivery_id desc
        limit $5`,
      [payment.paymentId, payment.paymentIntentId, after?.receivedAt ?? null, after?.deliveryId ?? null, limit + 1],
    );
    const page = rows.slice(0, limit).map((row) => ({
      deliveryId: String(row.delivery_id),
      eventId: row.event_id,
      type: row.event_type,
      receivedAt: new Date(row.received_at),
      outcome: row.outcome,
      detail: row.detail,
      paymentId: row.payment_id,
      paymentIntentId: row.gateway_payment_intent_id,
    }));
    const last = page.at(-1);
    return { data: page, next: rows.length > limit && last ? { receivedAt: last.receivedAt, deliveryId: last.deliveryId } : null };
  }
}
