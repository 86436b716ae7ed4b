import type { Consumer, ConsumerCrashEvent, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../http/database-unavailable';
import { ensureTopics } from '../kafka/ensure-topics';
import { orderedProducer } from '../kafka/ordered-producer';
import type { MessagingMetrics } from '../observability/messaging-metrics';
import { inConsumerSpan } from '../observability/tracing';
import type { SqlExecutor, UnitOfWork } from '../sql/sql-executor';
import { type AvroCodec, SchemaRegistryUnavailableError } from './avro-codec';
import type { IntegrationEventPayloads, IntegrationEventType } from '../contracts/integration-events.generated';
import type { MessageContext } from './message-headers';

export interface ConsumedEvent<Payload = Record<string, unknown>> {
  eventId: string;
  eventType: string;
  payload: Payload;
  context: MessageContext;
  occurredAt: string | undefined;
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
}

export type EventHandler<Tx extends SqlExecutor> = (event: ConsumedEvent, tx: Tx) => Promise<void>;

/** A handler of one integration event type: its payload typed by the generated contract, no cast needed. */
export type IntegrationEventHandler<Type extends IntegrationEventType, Tx extends SqlExecutor> = (
  event: ConsumedEvent<IntegrationEventPayloads[Type]>,
  tx: Tx,
) => Promise<void>;

/**
 * A consumer's handlers keyed by event name (`{ CustomerRegistered: async (event, tx) => … }`), each typed by that
 * event's payload. Types without a handler are acknowledged and skipped.
 */
export type InboxHandlers<Tx extends SqlExecutor> = { [Type in IntegrationEventType]?: IntegrationEventHandler<Type, Tx> };

export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface InboxConsumerOptions<Tx extends SqlExecutor> {
  /** Names the consumer group and the inbox rows; one per reaction, e.g. credit.grant-subscription-credits. */
  consumer: string;
  kafka: Kafka;
  topics: string[];
  codec: AvroCodec;
  unitOfWork: UnitOfWork<Tx>;
  /** By event type; types without a handler are acknowledged and skipped. */
  handlers: Record<string, EventHandler<Tx>>;
  logger: Logger;
  metrics?: MessagingMetrics;
  retry?: Partial<RetryPolicy>;
  fromBeginning?: boolean;
  /** Pause before replacing a consumer kafkajs gave up on (it restarts only after errors it deems retriable); 5 s. */
  crashRestartDelayMs?: number;
  /** Group membership timings; `groupTimings` unless a test needs others. */
  timings?: Partial<GroupTimings>;
}

export interface GroupTimings {
  /** How long the coordinator waits for a silent member before giving its partitions to the others. */
  sessionTimeout: number;
  heartbeatInterval: number;
  /** How long the coordinator waits for every member to rejoin once a rebalance starts. */
  rebalanceTimeout: number;
  /** The longest a fetch waits for data: an idle member heartbeats (so learns of a rebalance) only between fetches. */
  maxWaitTimeInMs: number;
}

/**
 * Chosen so a SIGKILLed instance's partitions are consumed again within 15 s (docs/scaling.md): the coordinator notices
 * it after the 8 s session, the survivors learn of the rebalance at their next heartbeat (≤ 1 s: kafkajs heartbeats
 * after every fetch, which waits at most 1 s, and per message) and rejoin at once. 8 s, not the broker's 6 s minimum,
 * leaves room for an event loop stalled by a busy machine. A member in a slow handler learns of the rebalance at its
 * next heartbeat too (per message, and every second of a retry's backoff), so 10 s to rejoin is ample; one that misses it is dropped from
 * the generation, rejoins, and its uncommitted events are consumed again, which the inbox makes harmless.
 */
export const groupTimings: GroupTimings = { sessionTimeout: 8_000, heartbeatInterval: 1_000, rebalanceTimeout: 10_000, maxWaitTimeInMs: 1_000 };

export const deadLetterTopic = (topic: string, consumer: string) => `${topic}.dlq.${consumer}`;

const header = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

class UndecodableMessageError extends Error {
  override readonly name = 'UndecodableMessageError';
}

/**
 * Consumes topics in a consumer group, applying each event at most once: the handler runs in one transaction with the
 * insert into processed_messages(consumer, event_id), whose primary key turns a redelivery into a no-op; the offset is
 * resolved only after that transaction commits. A handler that keeps failing is retried with backoff, then the message
 * goes to `<topic>.dlq.<consumer>` with the error in its headers and the partition moves on.
 */
export class InboxConsumer<Tx extends SqlExecutor> {
  private consumer?: Consumer;
  private producer?: Producer;
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private readonly retry: RetryPolicy;
  private markFetching!: () => void;
  /**
   * Resolves after the first fetch once joined: the start offsets are resolved by then, so even a new group that starts
   * at the latest offset consumes everything published afterwards (having joined alone leaves that race open).
   */
  readonly fetching = new Promise<void>((resolve) => (this.markFetching = resolve));

  get name(): string {
    return this.options.consumer;
  }

  get topics(): readonly string[] {
    return this.options.topics;
  }

  constructor(private readonly options: InboxConsumerOptions<Tx>) {
    this.retry = { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5000, ...options.retry };
  }

  async start(): Promise<void> {
    const { kafka, consumer: name, topics } = this.options;
    await ensureTopics(kafka, topics.flatMap((topic) => [topic, deadLetterTopic(topic, name)]));
    this.producer = orderedProducer(kafka);
    await this.producer.connect();
    if (this.options.fromBeginning === false) await this.pinStartOffsets();
    await this.consume();
  }

  /**
   * A new group told to start at the latest offset resolves "latest" again on every rebalance until it first commits,
   * so an event published between its first fetch and a rebalance was skipped (seen once in CI: an account never
   * opened). Committing the current end offsets for partitions without a commit fixes where it starts, once.
   */
  private async pinStartOffsets(): Promise<void> {
    const { kafka, consumer: groupId, topics, logger } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        const uncommitted = new Set(partitions.filter((partition) => partition.offset === '-1').map((partition) => partition.partition));
        if (uncommitted.size === 0) continue;
        const ends = (await admin.fetchTopicOffsets(topic)).filter((end) => uncommitted.has(end.partition));
        await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, offset }) => ({ partition, offset })) });
      }
    } catch (error) {
      // A member of the group already runs (setOffsets needs an empty group): it has settled where the group starts.
      logger.debug({ err: error, consumer: groupId }, 'start offsets not pinned');
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * start(); when Kafka fails it, tried again every crashRestartDelayMs in the background until it succeeds. Resolves
   * after the first try: a service (re)started while Kafka is down, or that loses it while its consumer joins, serves
   * meanwhile (its events wait in the outbox) and consumes once Kafka is back.
   */
  startOrRetry(): Promise<void> {
    const { consumer: name, logger } = this.options;
    const delayMs = this.options.crashRestartDelayMs ?? 5_000;
    let failed = false;
    const attempt = async (): Promise<void> => {
      // Closed while the service was still starting its consumers (SIGTERM during a join): this one never starts.
      if (this.stopping) return;
      try {
        await this.start();
        if (failed) logger.info({ consumer: name }, 'consumer started: Kafka answers again');
      } catch (error) {
        failed = true;
        await this.consumer?.disconnect().catch(() => undefined);
        await this.producer?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        logger.warn({ err: error, consumer: name, inMs: delayMs }, 'consumer cannot start: Kafka does not answer; trying again');
        this.restartTimer = setTimeout(() => (this.starting = attempt()), delayMs);
      }
    };
    this.starting = attempt();
    return this.starting;
  }

  private async consume(): Promise<void> {
    const { kafka, consumer: name, topics } = this.options;
    const consumer = kafka.consumer({ groupId: name, allowAutoTopicCreation: false, ...groupTimings, ...this.options.timings });
    this.consumer = consumer;
    let joinedOnce = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joinedOnce = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (joinedOnce) this.markFetching();
    });
    consumer.on(consumer.events.CRASH, (event: ConsumerCrashEvent) => this.crashed(consumer, event.payload.error, event.payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          await this.handle(batch.topic, batch.partition, message, heartbeat);
          resolveOffset(message.offset);
          await commitOffsetsIfNecessary();
        }
      },
    });
  }

  /**
   * kafkajs restarts a crashed consumer itself after errors it deems retriable (a broker gone for longer than its retry
   * budget is one); after any other crash the consumer would stay stopped for good, silently. So: log every crash, and
   * replace a consumer kafkajs gave up on, again and again until it runs.
   */
  private crashed(consumer: Consumer, error: Error, restartedByKafkajs: boolean): void {
    if (this.stopping) {
      // kafkajs arms its restart timer right after this event: a stop() that ran while kafkajs was still handling the
      // crash (its own disconnect takes seconds with the broker down) could not clear it, and the consumer would come
      // back after stop(), retrying forever. Disconnecting once more, after the timer is armed, clears it.
      if (restartedByKafkajs) setImmediate(() => void consumer.disconnect().catch(() => undefined));
      return;
    }
    const { consumer: name, logger } = this.options;
    if (restartedByKafkajs) {
      logger.warn({ err: error, consumer: name }, 'consumer crashed; kafkajs restarts it');
      return;
    }
    const delayMs = this.options.crashRestartDelayMs ?? 5_000;
    logger.error({ err: error, consumer: name, inMs: delayMs }, 'consumer crashed and kafkajs gave up on it; replacing it');
    this.restartTimer = setTimeout(() => void this.replace(consumer), delayMs);
  }

  private async replace(crashed: Consumer): Promise<void> {
    if (this.stopping || this.consumer !== crashed) return;
    await crashed.disconnect().catch(() => undefined);
    try {
      await this.consume();
    } catch (error) {
      this.crashed(this.consumer!, error as Error, false);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    // An attempt of startOrRetry() in flight ends first (kafkajs's connect retries: seconds), so nothing it
    // connects outlives stop().
    await this.starting;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async handle(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const { consumer: name, logger } = this.options;
    // An outage is not the event's fault: it waits for the database or the registry without using up the attempts that
    // end in the dead-letter topic. On shutdown the offset stays unresolved, so it is consumed again after the restart.
    const waitedFor = new Set<string>();
    const waitFor = async (what: 'database' | 'schema registry', error: unknown, fields: object): Promise<void> => {
      if (this.stopping) throw error;
      if (!waitedFor.has(what)) logger.warn({ err: error, consumer: name, ...fields }, `${what} unavailable; the event waits for it`);
      waitedFor.add(what);
      await pauseHeartbeating(Math.min(this.retry.maxBackoffMs, 1_000), heartbeat);
    };
    let event: ConsumedEvent | undefined;
    while (!event) {
      try {
        event = await this.decode(topic, partition, message);
      } catch (error) {
        if (!(error instanceof SchemaRegistryUnavailableError)) {
          await this.deadLetter(topic, partition, message, error, 1);
          return;
        }
        await waitFor('schema registry', error, { offset: message.offset, topic, partition });
      }
    }
    const handler = this.options.handlers[event.eventType];
    if (!handler) return;
    const { eventId, eventType, context } = event;
    const spanOf = { topic, partition, offset: message.offset, consumer: name, eventId, eventType, traceparent: context.traceparent };
    await inConsumerSpan(spanOf, () => this.apply(event, message, handler, heartbeat, waitFor));
  }

  /** Runs the handler with the inbox insert in one transaction, retried with backoff, then dead-lettered. */
  private async apply(
    event: ConsumedEvent,
    message: KafkaMessage,
    handler: EventHandler<Tx>,
    heartbeat: () => Promise<void>,
    waitFor: (what: 'database', error: unknown, fields: object) => Promise<void>,
  ): Promise<void> {
    const { consumer: name, logger, metrics } = this.options;
    const labels = { consumer: name, topic: event.topic };
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt += 1) {
      try {
        const applied = await this.options.unitOfWork.transaction(async (tx) => {
          const inserted = await tx.query(
            'insert into processed_messages (consumer, event_id) values ($1, $2) on conflict do nothing returning event_id',
            [name, event.eventId],
          );
          if (inserted.length === 0) return false;
          await handler(event, tx);
          return true;
        });
        (applied ? metrics?.processed : metrics?.duplicates)?.inc(labels);
        if (applied) {
          logger.debug(
            { eventId: event.eventId, eventType: event.eventType, consumer: name, correlationId: event.context.correlationId, causationId: event.context.causationId },
            'event applied',
          );
        } else logger.debug({ eventId: event.eventId, consumer: name }, 'duplicate skipped');
        return;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          await waitFor('database', error, { eventId: event.eventId });
          attempt -= 1;
          continue;
        }
        lastError = error;
        metrics?.handlerFailures.inc(labels);
        logger.warn(
          { err: error, eventId: event.eventId, eventType: event.eventType, attempt, consumer: name, correlationId: event.context.correlationId },
          'event handler failed',
        );
        if (attempt < this.retry.attempts) {
          await pauseHeartbeating(Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1)), heartbeat);
        }
      }
    }
    await this.deadLetter(event.topic, event.partition, message, lastError, this.retry.attempts);
  }

  private async decode(topic: string, partition: number, message: KafkaMessage): Promise<ConsumedEvent> {
    const eventId = header(message.headers, 'event-id');
    const eventType = header(message.headers, 'event-type');
    if (!eventId || !eventType || !message.value) throw new UndecodableMessageError('message lacks event-id, event-type or a value');
    let payload: Record<string, unknown>;
    try {
      payload = await this.options.codec.decode(message.value);
    } catch (error) {
      if (error instanceof SchemaRegistryUnavailableError) throw error;
      throw new UndecodableMessageError(`Avro decoding failed: ${(error as Error).message}`);
    }
    return {
      eventId,
      eventType,
      payload,
      context: {
        correlationId: header(message.headers, 'correlation-id') ?? eventId,
        causationId: header(message.headers, 'causation-id'),
        traceparent: header(message.headers, 'traceparent'),
        actor: header(message.headers, 'actor'),
      },
      occurredAt: header(message.headers, 'occurred-at'),
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString(),
    };
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number): Promise<void> {
    const { consumer: name, logger, metrics } = this.options;
    const dlq = deadLetterTopic(topic, name);
    const reason = error instanceof Error ? error : new Error(String(error));
    await this.producer!.send({
      topic: dlq,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq-error': reason.message.slice(0, 1000),
            'dlq-error-type': reason.name,
            'dlq-attempts': String(attempts),
            'dlq-consumer': name,
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
          },
        },
      ],
    });
    metrics?.deadLettered.inc({ consumer: name, topic });
    logger.error(
      { err: reason, consumer: name, topic, partition, offset: message.offset, eventId: header(message.headers, 'event-id'), dlq },
      'message sent to the dead-letter topic',
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A backoff that heartbeats every second (kafkajs sends one only once heartbeatInterval has passed): a member in a 5 s
 * backoff hears of a rebalance within a second and rejoins, instead of keeping the whole group waiting for it.
 */
async function pauseHeartbeating(ms: number, heartbeat: () => Promise<void>): Promise<void> {
  for (let left = ms; left > 0; left -= 1_000) {
    await sleep(Math.min(left, 1_000));
    await heartbeat();
  }
}
