import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { integrationEventTopics } from '../../../platform/src/contracts/integration-events.generated';
import type { BillingEvent, BillingEventHandlers, BillingEventName } from './billing-events';
import { AvroCodec, type ConsumedEvent, deadLetterTopic, InboxConsumer, PgUnitOfWork, type SchemaCatalog, type SqlExecutor, type UnitOfWork } from './platform-messaging';

/** What the client logs through: pino and most structured loggers fit; the default writes warnings and errors to stderr. */
export interface ClientLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface SubscribeOptions {
  brokers: string[];
  /** The Confluent-compatible schema registry API, e.g. http://127.0.0.1:8081/apis/ccompat/v7. */
  registryUrl: string;
  /** Your consumer group; it also names the inbox rows and the dead-letter topics `<topic>.dlq.<groupId>`. */
  groupId: string;
  handlers: BillingEventHandlers;
  /**
   * Exactly-once effects: a `processed_messages` table in your own PostgreSQL (created when missing). Each handler runs
   * in one transaction with the insert of the event's id, so a redelivered event is skipped.
   */
  inbox?: { databaseUrl: string };
  /** A new group starts at the end of the topics (default) or reads their history. */
  fromBeginning?: boolean;
  /** Attempts of a failing handler before the event goes to the dead-letter topic (default 5, backoff 200 ms to 5 s). */
  retry?: { attempts?: number; initialBackoffMs?: number; maxBackoffMs?: number };
  logger?: ClientLogger;
  clientId?: string;
  /** The topic an event is read from; default the platform's `billing.<context>.v1`. */
  topicOf?: (eventName: BillingEventName) => string;
}

export interface BillingEventSubscription {
  /** Resolves once the group is joined and fetching: an event published from then on is delivered. */
  readonly fetching: Promise<void>;
  /** Where poison messages and events whose handler kept failing go, with the error in their headers. */
  readonly deadLetterTopics: string[];
  stop(): Promise<void>;
}

const stderrLogger: ClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (fields, message) => console.error(JSON.stringify({ level: 'warn', msg: message, ...serializable(fields) })),
  error: (fields, message) => console.error(JSON.stringify({ level: 'error', msg: message, ...serializable(fields) })),
};

const serializable = (fields: object) =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value instanceof Error ? { name: value.name, message: value.message } : value]));

/** Decoding reads the writer schema named in each message from the registry; the client never encodes. */
const decodeOnly = { get: (eventType: string) => {
  throw new Error(`@billing/client does not publish ${eventType}`);
} } as unknown as SchemaCatalog;

/** Without an inbox every delivery is applied: the processed_messages check always answers "new". */
const atLeastOnce: UnitOfWork<SqlExecutor> = {
  transaction: (work) => work({ query: async <Row>() => [{ event_id: 'new' }] as Row[] }),
};

const inboxTable = `create table if not exists processed_messages (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id))`;

function billingEvent(event: ConsumedEvent): BillingEvent {
  return {
    eventId: event.eventId,
    eventType: event.eventType as BillingEventName,
    payload: event.payload as unknown as BillingEvent['payload'],
    occurredAt: event.occurredAt,
    correlationId: event.context.correlationId,
    causationId: event.context.causationId,
    topic: event.topic,
    partition: event.partition,
    offset: event.offset,
    key: event.key,
  };
}

/**
 * Consumes the billing topics your handlers need, decoding Avro through the registry, at least once (exactly once with
 * `inbox`); a poison message, or an event whose handler keeps failing, goes to a dead-letter topic and the partition
 * moves on. The platform's own InboxConsumer does the work.
 */
export async function subscribeToBillingEvents(options: SubscribeOptions): Promise<BillingEventSubscription> {
  const logger = options.logger ?? stderrLogger;
  const names = Object.keys(options.handlers) as BillingEventName[];
  if (names.length === 0) throw new Error('subscribeToBillingEvents: give at least one handler');
  const topicOf = options.topicOf ?? ((name: BillingEventName) => integrationEventTopics[name]);
  const topics = [...new Set(names.map(topicOf))];
  const kafka = new Kafka({
    clientId: options.clientId ?? options.groupId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }) => (level <= logLevel.ERROR ? logger.error : logger.warn)({ kafkajs: log.message, namespace: (log as { namespace?: string }).namespace }, 'kafkajs'),
  });
  let ownPool: pg.Pool | undefined;
  let unitOfWork = atLeastOnce;
  if (options.inbox) {
    ownPool = new pg.Pool({ connectionString: options.inbox.databaseUrl, max: 4 });
    // A connection the server ends while idle in the pool must not end the caller's process.
    ownPool.on('error', (error) => logger.warn({ err: error }, 'inbox database connection lost'));
    await ownPool.query(inboxTable);
    unitOfWork = new PgUnitOfWork(ownPool);
  }
  const withInbox = Boolean(options.inbox);
  const handlers = Object.fromEntries(
    names.map((name) => {
      const handle = options.handlers[name] as (event: BillingEvent, tx: SqlExecutor | undefined) => Promise<void>;
      return [name, (event: ConsumedEvent, tx: SqlExecutor) => handle(billingEvent(event), withInbox ? tx : undefined)];
    }),
  );
  const consumer = new InboxConsumer({
    consumer: options.groupId,
    kafka,
    topics,
    codec: new AvroCodec(options.registryUrl, decodeOnly),
    unitOfWork,
    handlers,
    // InboxConsumer logs only through debug/info/warn/error(fields, message), which every ClientLogger has.
    logger: logger as unknown as ConstructorParameters<typeof InboxConsumer>[0]['logger'],
    retry: options.retry,
    fromBeginning: options.fromBeginning ?? false,
  });
  try {
    await consumer.start();
  } catch (error) {
    await consumer.stop().catch(() => undefined);
    await ownPool?.end();
    throw error;
  }
  return {
    fetching: consumer.fetching,
    deadLetterTopics: topics.map((topic) => deadLetterTopic(topic, options.groupId)),
    stop: async () => {
      await consumer.stop();
      await ownPool?.end();
    },
  };
}
