import { Migration } from '@mikro-orm/migrations';

/**
 * One row per Payment (one Stripe PaymentIntent). Scalars as columns; refunds, disputes and the last failure as jsonb
 * (nested lists read and written with the aggregate). `version` guards against a concurrent save overwriting another.
 */
export class PaymentsMigration extends Migration {
  static readonly migrationName = 'Migration20261126100000_payments';

  override async up(): Promise<void> {
    this.addSql(`
      create table payments (
        payment_id uuid primary key,
        customer_id text not null,
        purpose text not null check (purpose in ('SUBSCRIPTION_PERIOD', 'CREDIT_TOP_UP')),
        reference_id text not null,
        period_index int null,
        credits bigint null,
        reference_key text not null unique,
        amount bigint not null check (amount > 0),
        currency text not null,
        off_session boolean not null,
        attempt int not null,
        gateway_payment_intent_id text null unique,
        client_secret text null,
        status text not null,
        status_observed_at timestamptz not null,
        created_at timestamptz not null,
        failure jsonb null,
        cancellation_reason text null,
        refunds jsonb not null default '[]'::jsonb,
        disputes jsonb not null default '[]'::jsonb,
        version int not null,
        updated_at timestamptz not null default now()
      );`);
    this.addSql('create index payments_customer on payments (customer_id, created_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table payments;');
  }
}
