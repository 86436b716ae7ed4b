import { Migration } from '@mikro-orm/migrations';

/**
 * A reservation remembers the idempotency key of the capture or release that resolved it (issue 19): that request
 * again is answered as before, another key finds it resolved. Reservations resolved before have none.
 */
export class ReservationResolutionKeyMigration extends Migration {
  static readonly migrationName = 'Migration20261204180000_reservation_resolution_key';

  override async up(): Promise<void> {
    this.addSql('alter table credit_reservations add column resolution_key text null;');
  }
}
