import { Migration } from '@mikro-orm/migrations';

/**
 * A refund claims back its share of a grant (issue 14, item 2): each grant remembers how much refunds of its payment
 * have claimed and how much of that was revoked; a refund that arrives before its grant waits, with the payment
 * amount and the highest cumulative refund seen, in credit_pending_clawbacks.
 */
export class ProportionalClawbackMigration extends Migration {
  static readonly migrationName = 'Migration20261204110000_proportional_clawback';

  override async up(): Promise<void> {
    this.addSql('alter table credit_grants add column clawback_claimed bigint not null default 0, add column clawback_revoked bigint not null default 0;');
    this.addSql(`
      create table credit_pending_clawbacks (
        customer_id text not null,
        source_type text not null,
        source_id text not null,
        source_period int not null,
        payment_amount bigint not null check (payment_amount > 0),
        total_refunded bigint not null check (total_refunded >= 0),
        recorded_at timestamptz not null,
        primary key (customer_id, source_type, source_id, source_period)
      );`);
  }
}
