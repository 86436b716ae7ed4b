/**
 * The platform's messaging code this package reuses, by path rather than through @billing/platform's index: the
 * package build bundles exactly these modules (the index would also pull in modules that look for the repository's
 * schemas/ when loaded, which an installed package does not have). One copy of the code: the platform's.
 */
export { AvroCodec } from '../../../platform/src/messaging/avro-codec';
export { type ConsumedEvent, deadLetterTopic, InboxConsumer, type RetryPolicy as ConsumerRetryPolicy } from '../../../platform/src/messaging/inbox-consumer';
export type { SchemaCatalog } from '../../../platform/src/messaging/schema-catalog';
export { PgUnitOfWork } from '../../../platform/src/sql/pg-unit-of-work';
export type { SqlExecutor, UnitOfWork } from '../../../platform/src/sql/sql-executor';
