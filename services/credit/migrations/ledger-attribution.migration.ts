import { Migration } from '@mikro-orm/migrations';

/**
 * The operator console (issue 15): a ledger entry says who asked for it and why (a goodwill grant, a manual revoke);
 * entries written before have neither. The indexes serve the console's lists, newest first: every grant of an account,
 * its reservations by status, and a grant's own 'grant' entry (its reason and grantedBy).
 */
export class LedgerAttributionMigration extends Migration {
  static readonly migrationName = 'Migration20261204210000_ledger_attribution';

  override async up(): Promise<void> {
    this.addSql('alter table credit_ledger add column reason text null, add column actor text null;');
    this.addSql("create index credit_ledger_grant_entry on credit_ledger (account_id, grant_id) where type = 'grant';");
    this.addSql('create index credit_grants_newest on credit_grants (account_id, granted_at desc, grant_id desc);');
    this.addSql('create index credit_reservations_newest on credit_reservations (account_id, reserved_at desc, reservation_id desc);');
  }
}
