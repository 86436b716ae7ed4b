import { Migration } from '@mikro-orm/migrations';

/** Number of outbox lanes: a relay owns whole lanes, so per-aggregate order survives several relays. Never change it
 * while rows are unpublished. */
export const outboxLanes = 16;
export const outboxChannel = 'outbox_inserted';

/**
 * The transactional outbox and the inbox (processed_messages) every service reuses: add this migration first in each
 * service's migrations list.
 */
export class MessagingTablesMigration extends Migration {
  static readonly migrationName = 'Migration20261126000000_messaging_tables';

  override async up(): Promise<void> {
    this.addSql(`
      create table outbox (
        id uuid primary key,
        seq bigint generated always as identity,
        lane smallint not null,
        aggregate_type text not null,
        aggregate_id text not null,
        event_type text not null,
        payload jsonb not null,
        headers jsonb not null,
        occurred_at timestamptz not null,
        published_at timestamptz null
      );`);
    this.addSql('create index outbox_unpublished on outbox (lane, seq) where published_at is null;');
    this.addSql(`
      create function outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('${outboxChannel}', '');
        return null;
      end $$;`);
    this.addSql('create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();');
    this.addSql(`
      create table processed_messages (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table processed_messages;');
    this.addSql('drop trigger outbox_notify on outbox;');
    this.addSql('drop function outbox_notify();');
    this.addSql('drop table outbox;');
  }
}
