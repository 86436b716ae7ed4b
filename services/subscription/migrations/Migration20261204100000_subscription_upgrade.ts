import { Migration } from '@mikro-orm/migrations';

/**
 * The last mid-period upgrade of a subscription (waiting for its payment, applied, or failed with the reason): one
 * nested record per subscription, so jsonb. And what a held payment result took, so the amount asked is checked when
 * the scheduler applies it as when it arrived.
 */
export class Migration20261204100000_subscription_upgrade extends Migration {
  static readonly migrationName = 'Migration20261204100000_subscription_upgrade';

  override async up(): Promise<void> {
    this.addSql('alter table subscriptions add column upgrade jsonb;');
    this.addSql('alter table held_payment_results add column paid_amount bigint, add column paid_currency text;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table held_payment_results drop column paid_amount, drop column paid_currency;');
    this.addSql('alter table subscriptions drop column upgrade;');
  }
}
