import { Migration } from '@mikro-orm/migrations';

/**
 * The tracing context of the call that opened a payment (REST top-up or SubscriptionCreated / RenewalDue). A Stripe
 * webhook arrives later with no context of ours; it continues the payment's flow under these, so one correlation id
 * leads from the first call through the webhook to the credits granted.
 */
export class PaymentFlowContextMigration extends Migration {
  static readonly migrationName = 'Migration20261126100003_payment_flow_context';

  override async up(): Promise<void> {
    this.addSql('alter table payments add column correlation_id text, add column traceparent text;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table payments drop column correlation_id, drop column traceparent;');
  }
}
