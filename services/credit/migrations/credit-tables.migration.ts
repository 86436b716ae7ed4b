import { Migration } from '@mikro-orm/migrations';

/** Accounts, grants, reservations and the append-only ledger. */
export class CreditTablesMigration extends Migration {
  static readonly migrationName = 'Migration20261126100000_credit_tables';

  override async up(): Promise<void> {
    this.addSql(`
      create table credit_accounts (
        account_id uuid primary key,
        customer_id text not null unique,
        opened_at timestamptz not null,
        low_balance_threshold bigint null,
        low_balance_armed boolean not null,
        ledger_sequence bigint not null,
        balance bigint not null check (balance >= 0),
        held bigint not null check (held >= 0 and held <= balance)
      );`);
    this.addSql(`
      create table credit_grants (
        grant_id uuid primary key,
        account_id uuid not null references credit_accounts,
        source_type text not null,
        source_id text not null,
        source_period int null,
        amount bigint not null check (amount > 0),
        priority int not null,
        granted_at timestamptz not null,
        expires_at timestamptz null,
        remaining bigint not null check (remaining >= 0),
        held bigint not null check (held >= 0 and held <= remaining),
        consumed bigint not null,
        expired_amount bigint not null,
        revoked_amount bigint not null,
        expired_at timestamptz null,
        revoked_at timestamptz null
      );`);
    // One grant per (source type, source id, period), whatever the account: the database backs the domain rule.
    this.addSql('create unique index credit_grants_source on credit_grants (source_type, source_id, coalesce(source_period, -1));');
    this.addSql('create index credit_grants_live on credit_grants (account_id) where remaining > 0;');
    this.addSql('create index credit_grants_expiring on credit_grants (expires_at) where remaining > held and expires_at is not null;');
    this.addSql(`
      create table credit_reservations (
        reservation_id uuid primary key,
        account_id uuid not null references credit_accounts,
        amount bigint not null check (amount > 0),
        status text not null,
        reserved_at timestamptz not null,
        expires_at timestamptz not null,
        resolved_at timestamptz null,
        allocations jsonb not null
      );`);
    this.addSql("create index credit_reservations_held on credit_reservations (account_id) where status = 'HELD';");
    this.addSql("create index credit_reservations_expiring on credit_reservations (expires_at) where status = 'HELD';");
    this.addSql(`
      create table credit_ledger (
        entry_id uuid primary key,
        account_id uuid not null references credit_accounts,
        sequence bigint not null,
        type text not null,
        grant_id uuid not null,
        reservation_id uuid null,
        amount bigint not null check (amount > 0),
        balance_delta bigint not null,
        held_delta bigint not null,
        occurred_at timestamptz not null,
        unique (account_id, sequence)
      );`);
    // Append-only: the ledger is the record of what happened; corrections are new entries.
    this.addSql(`
      create function credit_ledger_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'credit_ledger is append-only';
      end $$;`);
    this.addSql('create trigger credit_ledger_append_only before update or delete on credit_ledger for each row execute function credit_ledger_append_only();');
    // A revoke that arrived before its grant (events from two topics in any order) waits here for it.
    this.addSql(`
      create table credit_pending_revocations (
        source_type text not null,
        source_id text not null,
        source_period int not null,
        customer_id text not null,
        recorded_at timestamptz not null,
        primary key (source_type, source_id, source_period)
      );`);
  }
}
