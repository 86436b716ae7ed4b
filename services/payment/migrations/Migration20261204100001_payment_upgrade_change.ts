import { Migration } from '@mikro-orm/migrations';

/** SUBSCRIPTION_UPGRADE payments: the upgrade (change id) they pay for, next to the subscription and period. */
export class PaymentUpgradeChangeMigration extends Migration {
  static readonly migrationName = 'Migration20261204100001_payment_upgrade_change';

  override async up(): Promise<void> {
    this.addSql('alter table payments add column change_id text;');
    this.addSql('alter table payments drop constraint payments_purpose_check;');
    this.addSql("alter table payments add constraint payments_purpose_check check (purpose in ('SUBSCRIPTION_PERIOD', 'CREDIT_TOP_UP', 'SUBSCRIPTION_UPGRADE'));");
  }

  override async down(): Promise<void> {
    this.addSql('alter table payments drop constraint payments_purpose_check;');
    this.addSql("alter table payments add constraint payments_purpose_check check (purpose in ('SUBSCRIPTION_PERIOD', 'CREDIT_TOP_UP'));");
    this.addSql('alter table payments drop column change_id;');
  }
}
