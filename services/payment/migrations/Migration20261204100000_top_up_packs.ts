import { Migration } from '@mikro-orm/migrations';

/**
 * The top-up catalogue (prices belong to the platform, not the caller) and the customers known to be deactivated
 * (projection of CustomerDeactivated, and of the customer service's answer to GetCustomer), who buy nothing more.
 */
export class TopUpPacksMigration extends Migration {
  static readonly migrationName = 'Migration20261204100000_top_up_packs';

  override async up(): Promise<void> {
    this.addSql(`
      create table top_up_packs (
        code text primary key,
        credits bigint not null check (credits > 0),
        prices jsonb not null,
        active boolean not null,
        version integer not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(`
      create table customer_deactivations (
        customer_id text primary key,
        deactivated_at timestamptz not null,
        source text not null check (source in ('event', 'grpc'))
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table customer_deactivations;');
    this.addSql('drop table top_up_packs;');
  }
}
