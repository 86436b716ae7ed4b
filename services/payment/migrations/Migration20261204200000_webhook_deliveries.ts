import { Migration } from '@mikro-orm/migrations';

/**
 * Every Stripe webhook delivery and its outcome (applied, duplicate, ignored, failed), for operators. The dedup by event
 * id stays in processed_webhook_events; here one event id may have many rows (each redelivery is one).
 */
export class WebhookDeliveriesMigration extends Migration {
  static readonly migrationName = 'Migration20261204200000_webhook_deliveries';

  override async up(): Promise<void> {
    this.addSql(`
      create table webhook_deliveries (
        delivery_id bigint generated always as identity primary key,
        event_id text not null,
        event_type text not null,
        received_at timestamptz not null,
        outcome text not null check (outcome in ('applied', 'duplicate', 'ignored', 'failed')),
        detail text not null,
        payment_id uuid null,
        gateway_payment_intent_id text null
      );`);
    this.addSql('create index webhook_deliveries_by_payment on webhook_deliveries (payment_id, received_at desc, delivery_id desc) where payment_id is not null;');
    this.addSql(
      'create index webhook_deliveries_by_intent on webhook_deliveries (gateway_payment_intent_id, received_at desc, delivery_id desc) where gateway_payment_intent_id is not null;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table webhook_deliveries;');
  }
}
