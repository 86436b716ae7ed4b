import type { SqlExecutor } from '@billing/platform';
import type { ProcessedWebhookEvents } from '../application/ports/processed-webhook-events.port';

/** processed_webhook_events inside the webhook's transaction: a redelivered id inserts nothing and answers false. */
export class SqlProcessedWebhookEvents implements ProcessedWebhookEvents {
  constructor(private readonly tx: SqlExecutor) {}

  async markProcessed(eventId: string): Promise<boolean> {
    const inserted = await this.tx.query('insert into processed_webhook_events (event_id) values ($1) on conflict do nothing returning event_id', [eventId]);
    return inserted.length > 0;
  }
}
