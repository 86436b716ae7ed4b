import { Migration } from '@mikro-orm/migrations';

/**
 * Customers and their payment-gateway links. The database enforces what the domain cannot see across customers:
 * one customer per externalAccountId, one of our customers per gateway customer, at most one link per gateway.
 */
export class CustomersMigration extends Migration {
  static readonly migrationName = 'Migration20261126200000_customers';

  override async up(): Promise<void> {
    this.addSql(`
      create table customers (
        id uuid primary key,
        external_account_id text not null,
        email text not null,
        name text null,
        default_currency char(3) not null,
        status text not null check (status in ('active', 'deactivated')),
        created_at timestamptz not null,
        updated_at timestamptz not null,
        deactivated_at timestamptz null,
        version integer not null check (version >= 0),
        constraint customers_external_account_id_key unique (external_account_id),
        constraint customers_deactivated_at_check check ((status = 'deactivated') = (deactivated_at is not null))
      );`);
    // The list walks (created_at, id); the link job walks active customers in the same order.
    this.addSql('create index customers_created_at_id on customers (created_at, id);');
    this.addSql(`
      create table customer_gateway_links (
        customer_id uuid not null references customers (id),
        gateway text not null,
        gateway_customer_id text not null,
        linked_at timestamptz not null,
        primary key (customer_id, gateway),
        constraint customer_gateway_links_gateway_customer_key unique (gateway, gateway_customer_id)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table customer_gateway_links;');
    this.addSql('drop table customers;');
  }
}
