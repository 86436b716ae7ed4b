import { Migration } from '@mikro-orm/migrations';

/** An account remembers it was alerted as low, so it reports the recovery once (issue 14, item 6). */
export class LowBalanceRecoveryMigration extends Migration {
  static readonly migrationName = 'Migration20261204130000_low_balance_recovery';

  override async up(): Promise<void> {
    this.addSql('alter table credit_accounts add column low_balance_alerted boolean not null default false;');
  }
}
