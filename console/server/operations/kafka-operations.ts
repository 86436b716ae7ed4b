import { randomUUID } from 'node:crypto';
import { type AvroCodec, type ConsumerGroupTopics, consumerLag, deadLetterTopics, replayDeadLetters, type TopicLag } from '@billing/platform';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsoleService } from '../config';
import { type DeadLetter, type Operations, type OperationsStatus, ReplayInProgressError, type ServiceStatus } from './operations';
import { gaugeValue } from './prometheus-text';

export interface KafkaOperationsOptions {
  kafka: Kafka;
  codec: AvroCodec;
  serviceUrls: Record<ConsoleService, string>;
  consumerGroups: readonly ConsumerGroupTopics[];
  /** How long one service or broker read may take before the status reports it as not answering. */
  timeoutMs?: number;
}

const header = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString() ?? null;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness and outbox backlog from each service's public /readyz and /metrics; consumer lag, dead-letter topics, peek
 * and replay from the broker with the platform's own functions (replay is exactly `npm run dlq -- replay`).
 *
 * The backlog is read from the outbox_backlog_rows / outbox_oldest_age_seconds gauges of /metrics rather than from a
 * new JSON endpoint: /metrics is already public, already computes them in one query per scrape, and is the operators'
 * documented interface (docs/runbook.md) — a second endpoint in four services would say the same thing twice.
 */
export class KafkaOperations implements Operations {
  private readonly replaying = new Set<string>();
  private readonly timeoutMs: number;

  constructor(private readonly options: KafkaOperationsOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async status(): Promise<OperationsStatus> {
    const services = Promise.all(Object.entries(this.options.serviceUrls).map(([name, url]) => this.serviceStatus(name, url)));
    const broker = withTimeout(Promise.all([this.consumerLags(), deadLetterTopics(this.options.kafka)]), this.timeoutMs, 'Kafka').then(
      ([consumers, deadLetters]) => ({ consumers, deadLetters }),
      (error: unknown) => ({ consumers: [], deadLetters: [], kafkaError: (error as Error).message }),
    );
    return { services: await services, ...(await broker) };
  }

  async peek(topic: string, limit: number): Promise<DeadLetter[] | undefined> {
    if (!(await this.isDeadLetterTopic(topic))) return undefined;
    const messages = await this.readFromStart(topic, limit);
    return Promise.all(messages.map(({ partition, message }) => this.deadLetter(partition, message)));
  }

  async replay(topic: string): Promise<number | undefined> {
    if (!(await this.isDeadLetterTopic(topic))) return undefined;
    // Two replays of one topic would share its replay group and take its partitions from each other mid-way.
    if (this.replaying.has(topic)) throw new ReplayInProgressError(`${topic} is being replayed already`);
    this.replaying.add(topic);
    try {
      return await replayDeadLetters(this.options.kafka, topic);
    } finally {
      this.replaying.delete(topic);
    }
  }

  private async serviceStatus(name: string, url: string): Promise<ServiceStatus> {
    const signal = () => AbortSignal.timeout(this.timeoutMs);
    const [ready, metrics] = await Promise.all([
      fetch(`${url}/readyz`, { signal: signal() }).then((response) => response.ok, () => false),
      fetch(`${url}/metrics`, { signal: signal() }).then((response) => (response.ok ? response.text() : undefined), () => undefined),
    ]);
    const rows = metrics === undefined ? undefined : gaugeValue(metrics, 'outbox_backlog_rows');
    const oldestAgeSeconds = metrics === undefined ? undefined : gaugeValue(metrics, 'outbox_oldest_age_seconds');
    return { name, url, ready, outbox: rows === undefined || oldestAgeSeconds === undefined ? null : { rows, oldestAgeSeconds } };
  }

  /** Group by group: a topic that does not exist yet (a fresh broker) leaves out its group, not every group. */
  private async consumerLags(): Promise<TopicLag[]> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const lags: TopicLag[] = [];
      for (const group of this.options.consumerGroups) lags.push(...(await consumerLag(admin, [group]).catch(() => [])));
      return lags;
    } finally {
      await admin.disconnect();
    }
  }

  private async isDeadLetterTopic(topic: string): Promise<boolean> {
    if (!topic.includes('.dlq.')) return false;
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).includes(topic);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Up to `limit` messages per partition from the log start to the end it has now, oldest first, then the first `limit`
   * of them by time. In a throwaway group that never commits and is deleted afterwards: peeking moves nobody's offsets.
   */
  private async readFromStart(topic: string, limit: number): Promise<{ partition: number; message: KafkaMessage }[]> {
    const { kafka } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const groupId = `console-peek.${randomUUID()}`;
    try {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).filter(({ high, low }) => Number(high) > Number(low)).map(({ partition, high }) => [partition, BigInt(high)]));
      if (ends.size === 0) return [];
      const read = new Map<number, KafkaMessage[]>();
      const done = (partition: number) => {
        const messages = read.get(partition) ?? [];
        return messages.length >= limit || (messages.length > 0 && BigInt(messages.at(-1)!.offset) + 1n >= ends.get(partition)!);
      };
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        // After 10 s it answers with what it has read: an offset the log skips (a gap, a control record) must not hang the page.
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve, reject) => {
          timer = setTimeout(resolve, 10_000);
          consumer
            .run({
              autoCommit: false,
              eachBatch: async ({ batch }) => {
                const messages = read.get(batch.partition) ?? [];
                for (const message of batch.messages) if (messages.length < limit && BigInt(message.offset) < (ends.get(batch.partition) ?? 0n)) messages.push(message);
                read.set(batch.partition, messages);
                if ([...ends.keys()].every(done)) resolve();
              },
            })
            .catch(reject);
        }).finally(() => clearTimeout(timer));
      } finally {
        await consumer.disconnect();
      }
      return [...read]
        .flatMap(([partition, messages]) => messages.map((message) => ({ partition, message })))
        .sort((a, b) => Number(a.message.timestamp) - Number(b.message.timestamp) || a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)))
        .slice(0, limit);
    } finally {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    }
  }

  private async deadLetter(partition: number, message: KafkaMessage): Promise<DeadLetter> {
    const attempts = Number(header(message.headers, 'dlq-attempts'));
    const letter: DeadLetter = {
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      eventId: header(message.headers, 'event-id'),
      eventType: header(message.headers, 'event-type'),
      originalTopic: header(message.headers, 'dlq-original-topic'),
      error: header(message.headers, 'dlq-error'),
      attempts: Number.isFinite(attempts) && header(message.headers, 'dlq-attempts') !== null ? attempts : null,
      payload: null,
    };
    if (!message.value) return { ...letter, payloadError: 'the message has no value' };
    try {
      return { ...letter, payload: await this.options.codec.decode(message.value) };
    } catch (error) {
      return { ...letter, payloadError: (error as Error).message };
    }
  }
}
