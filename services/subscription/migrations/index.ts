import { IdempotencyKeysMigration, MessagingTablesMigration, type MigrationClass } from '@billing/platform';
import { Migration20261126100000_subscription_tables } from './Migration20261126100000_subscription_tables';

/** In order: the shared kernel's outbox/inbox and idempotency tables, then this service's own. */
export const subscriptionMigrations: readonly MigrationClass[] = [
  MessagingTablesMigration,
  IdempotencyKeysMigration,
  Migration20261126100000_subscription_tables,
];
