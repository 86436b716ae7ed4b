import { Migration } from '@mikro-orm/migrations';

/**
 * Local projection of PaymentGatewayLinked (billing.customer.v1): our customer id → the Stripe customer id. Filled by
 * the consumer, and by the gRPC fallback when the projection has not caught up yet.
 */
export class CustomerGatewayLinksMigration extends Migration {
  static readonly migrationName = 'Migration20261126100002_customer_gateway_links';

  override async up(): Promise<void> {
    this.addSql(`
      create table customer_gateway_links (
        customer_id text not null,
        gateway text not null,
        gateway_customer_id text not null,
        linked_at timestamptz not null,
        source text not null check (source in ('event', 'grpc')),
        updated_at timestamptz not null default now(),
        primary key (customer_id, gateway)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table customer_gateway_links;');
  }
}
