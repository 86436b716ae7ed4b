import type { ProcessedWebhookEvents } from '../ports/processed-webhook-events.port';

/** The inbox without a database: no transaction, so a mark is never rolled back here. */
export class FakeProcessedWebhookEvents implements ProcessedWebhookEvents {
  readonly seen = new Set<string>();

  async markProcessed(eventId: string): Promise<boolean> {
    if (this.seen.has(eventId)) return false;
    this.seen.add(eventId);
    return true;
  }
}
