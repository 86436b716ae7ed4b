import { Migration } from '@mikro-orm/migrations';

/**
 * What credit knows of each payment dispute (issue 14, item 3), so its opening and closing apply once and in the right
 * final state whatever order they arrive in: a closing that overtakes its opening is remembered here.
 */
export class DisputeOutcomesMigration extends Migration {
  static readonly migrationName = 'Migration20261204120000_dispute_outcomes';

  override async up(): Promise<void> {
    this.addSql(`
      create table credit_disputes (
        customer_id text not null,
        dispute_id text not null,
        state text not null check (state in ('open', 'won', 'lost')),
        updated_at timestamptz not null,
        primary key (customer_id, dispute_id)
      );`);
  }
}
