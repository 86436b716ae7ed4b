import { Migration } from '@mikro-orm/migrations';

/**
 * GET /v1/customers?query=: case-insensitive contains-search over email, name and external account id. Trigram GIN
 * indexes make `ilike '%text%'` an index scan (texts of 3+ characters). pg_trgm ships with PostgreSQL (contrib) and is
 * a trusted extension (PG 13+), so the database owner may create it; where it is not installed on the server the
 * search still answers the same, scanning the table, and the migration says so instead of failing.
 */
export class CustomerSearchMigration extends Migration {
  static readonly migrationName = 'Migration20261204200000_customer_search';

  override async up(): Promise<void> {
    this.addSql(`
      do $$
      begin
        create extension if not exists pg_trgm;
      exception when others then
        raise warning 'pg_trgm unavailable (%): customer search scans the customers table', sqlerrm;
      end $$;`);
    this.addSql(`
      do $$
      begin
        if exists (select 1 from pg_extension where extname = 'pg_trgm') then
          create index customers_email_trgm on customers using gin (email gin_trgm_ops);
          create index customers_name_trgm on customers using gin (name gin_trgm_ops);
          create index customers_external_account_id_trgm on customers using gin (external_account_id gin_trgm_ops);
        end if;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists customers_email_trgm, customers_name_trgm, customers_external_account_id_trgm;');
  }
}
