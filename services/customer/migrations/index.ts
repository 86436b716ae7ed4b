import { IdempotencyKeysMigration, MessagingTablesMigration } from '@billing/platform';
import { CustomersMigration } from './Migration20261126200000_customers';
import { CustomerSearchMigration } from './Migration20261204200000_customer_search';

/** Every migration of billing_customer, in order: the shared outbox/inbox and idempotency keys, then our tables. */
export const customerMigrations = [MessagingTablesMigration, IdempotencyKeysMigration, CustomersMigration, CustomerSearchMigration];
