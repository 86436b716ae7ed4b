import type { ProcessedWebhookEvents } from '../ports/processed-webhook-events.port';

/** The inbox without a database; the kit's fake transaction rolls marks back with restore(). */
export class FakeProcessedWebhookEvents implements ProcessedWebhookEvents {
  readonly seen = new Set<string>();

  async markProcessed(eventId: string): Promise<boolean> {
    if (this.seen.has(eventId)) return false;
    this.seen.add(eventId);
    return true;
  }

  snapshot(): ReadonlySet<string> {
    return new Set(this.seen);
  }

  restore(snapshot: ReadonlySet<string>): void {
    this.seen.clear();
    for (const eventId of snapshot) this.seen.add(eventId);
  }
}
