import { IdempotencyKeysMigration, MessagingTablesMigration, type MigrationClass } from '@billing/platform';
import { PaymentsMigration } from './Migration20261126100000_payments';
import { ProcessedWebhookEventsMigration } from './Migration20261126100001_processed_webhook_events';
import { CustomerGatewayLinksMigration } from './Migration20261126100002_customer_gateway_links';
import { PaymentFlowContextMigration } from './Migration20261126100003_payment_flow_context';
import { TopUpPacksMigration } from './Migration20261204100000_top_up_packs';
import { PaymentUpgradeChangeMigration } from './Migration20261204100001_payment_upgrade_change';
import { WebhookDeliveriesMigration } from './Migration20261204200000_webhook_deliveries';

/** billing_payment, in order: the shared outbox/inbox and idempotency tables, then the payment service's own. */
export const paymentMigrations: readonly MigrationClass[] = [
  MessagingTablesMigration,
  IdempotencyKeysMigration,
  PaymentsMigration,
  ProcessedWebhookEventsMigration,
  CustomerGatewayLinksMigration,
  PaymentFlowContextMigration,
  TopUpPacksMigration,
  PaymentUpgradeChangeMigration,
  WebhookDeliveriesMigration,
];
