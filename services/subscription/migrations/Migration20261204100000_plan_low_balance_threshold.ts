import { Migration } from '@mikro-orm/migrations';

/** A plan may name a default low-balance threshold; subscriptions keep it in their terms snapshot (issue 14, item 6). */
export class Migration20261204100000_plan_low_balance_threshold extends Migration {
  static readonly migrationName = 'Migration20261204100000_plan_low_balance_threshold';

  override async up(): Promise<void> {
    this.addSql('alter table plans add column low_balance_threshold bigint null check (low_balance_threshold > 0);');
    this.addSql(`alter table subscriptions add column low_balance_threshold bigint null check (low_balance_threshold > 0),
                 add column pending_low_balance_threshold bigint null check (pending_low_balance_threshold > 0);`);
  }
}
