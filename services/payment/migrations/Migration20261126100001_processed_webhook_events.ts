import { Migration } from '@mikro-orm/migrations';

/** Stripe event ids (evt_…) applied so far; the primary key makes a redelivery a no-op inside the applying transaction. */
export class ProcessedWebhookEventsMigration extends Migration {
  static readonly migrationName = 'Migration20261126100001_processed_webhook_events';

  override async up(): Promise<void> {
    this.addSql(`
      create table processed_webhook_events (
        event_id text primary key,
        processed_at timestamptz not null default now()
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table processed_webhook_events;');
  }
}
