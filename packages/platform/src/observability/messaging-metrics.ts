import { Counter, Gauge, Registry } from 'prom-client';
import type { TopicLag } from '../messaging/consumer-lag';

/** Outbox, relay and consumer metrics, registered once per service registry (served at /metrics). */
export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly processed: Counter<'consumer' | 'topic'>;
  readonly duplicates: Counter<'consumer' | 'topic'>;
  readonly deadLettered: Counter<'consumer' | 'topic'>;
  readonly handlerFailures: Counter<'consumer' | 'topic'>;
  readonly outboxBacklogRows: Gauge;
  readonly outboxOldestAgeSeconds: Gauge;
  readonly consumerLag: Gauge<'consumer' | 'topic'>;

  constructor(
    readonly registry: Registry = new Registry(),
    outboxBacklog?: () => Promise<{ rows: number; oldestAgeSeconds: number }>,
    /** Read from the broker at each scrape; while it cannot answer, the gauge keeps its last values. */
    consumerLag?: () => Promise<TopicLag[]>,
  ) {
    this.published = new Counter({ name: 'relay_published_total', help: 'Outbox events produced to Kafka', labelNames: ['topic'], registers: [registry] });
    this.processed = new Counter({ name: 'consumer_processed_total', help: 'Messages whose handler committed', labelNames: ['consumer', 'topic'], registers: [registry] });
    this.duplicates = new Counter({ name: 'consumer_duplicates_skipped_total', help: 'Messages skipped as already processed', labelNames: ['consumer', 'topic'], registers: [registry] });
    this.deadLettered = new Counter({ name: 'consumer_dlq_total', help: 'Messages sent to a dead-letter topic', labelNames: ['consumer', 'topic'], registers: [registry] });
    this.handlerFailures = new Counter({ name: 'consumer_handler_failures_total', help: 'Handler attempts that threw', labelNames: ['consumer', 'topic'], registers: [registry] });
    let backlog: Promise<{ rows: number; oldestAgeSeconds: number }> | undefined;
    // Both gauges read one query per scrape.
    const readBacklog = () => (backlog ??= (outboxBacklog?.() ?? Promise.resolve({ rows: 0, oldestAgeSeconds: 0 })).finally(() => setTimeout(() => (backlog = undefined), 0)));
    this.outboxBacklogRows = new Gauge({
      name: 'outbox_backlog_rows',
      help: 'Unpublished outbox rows',
      registers: [registry],
      async collect() {
        this.set((await readBacklog()).rows);
      },
    });
    this.outboxOldestAgeSeconds = new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row',
      registers: [registry],
      async collect() {
        this.set((await readBacklog()).oldestAgeSeconds);
      },
    });
    this.consumerLag = new Gauge({
      name: 'consumer_lag_messages',
      help: "Messages on a topic after the consumer group's committed offsets",
      labelNames: ['consumer', 'topic'],
      registers: [registry],
      async collect() {
        const lags = await consumerLag?.().catch(() => undefined);
        for (const { groupId, topic, lag } of lags ?? []) this.set({ consumer: groupId, topic }, lag);
      },
    });
  }
}

/** The backlog query for MessagingMetrics, on any executor of the service's database. */
export const outboxBacklogQuery = `
  select count(*)::int as rows, coalesce(extract(epoch from now() - min(occurred_at)), 0)::float as "oldestAgeSeconds"
  from outbox where published_at is null`;
