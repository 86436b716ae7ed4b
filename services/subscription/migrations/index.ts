import { IdempotencyKeysMigration, MessagingTablesMigration, type MigrationClass } from '@billing/platform';
import { Migration20261126100000_subscription_tables } from './Migration20261126100000_subscription_tables';
import { Migration20261204100000_plan_low_balance_threshold } from './Migration20261204100000_plan_low_balance_threshold';
import { Migration20261204100000_subscription_upgrade } from './Migration20261204100000_subscription_upgrade';

/** In order: the shared kernel's outbox/inbox and idempotency tables, then this service's own. */
export const subscriptionMigrations: readonly MigrationClass[] = [
  MessagingTablesMigration,
  IdempotencyKeysMigration,
  Migration20261126100000_subscription_tables,
  Migration20261204100000_plan_low_balance_threshold,
  Migration20261204100000_subscription_upgrade,
];
