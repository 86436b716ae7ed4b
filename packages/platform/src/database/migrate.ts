import { MikroORM } from '@mikro-orm/core';
import { type Migration, Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { databaseUrlFor, ensureDatabase } from './database-url';

/** Advisory-lock namespace for applying migrations (the relay's lanes and members use 0x0b0c and 0x0b0d). */
const migrationLockNamespace = 0x0b0e;

export type MigrationClass = (new (...args: ConstructorParameters<typeof Migration>) => Migration) & { migrationName?: string };

/** Creates the service's database if needed and applies its migrations in order; returns the names applied now. */
export async function migrateDatabase(serverUrl: string, database: string, migrations: readonly MigrationClass[]): Promise<string[]> {
  await ensureDatabase(serverUrl, database);
  // Instances of a service starting together would each create the migrations table and apply the same migrations;
  // one at a time, the later ones find them applied.
  const lock = new pg.Client({ connectionString: databaseUrlFor(serverUrl, database) });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1, 0)', [migrationLockNamespace]);
    const orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: databaseUrlFor(serverUrl, database),
      entities: [],
      discovery: { warnWhenNoEntities: false },
      extensions: [Migrator],
      migrations: {
        silent: true,
        transactional: true,
        // Migrations are classes listed here, not files: no snapshot file beside whatever folder the process runs in.
        snapshot: false,
        migrationsList: migrations.map((migration) => ({ name: migration.migrationName ?? migration.name, class: migration })),
      },
    });
    try {
      return (await orm.getMigrator().up()).map((migration) => migration.name);
    } finally {
      await orm.close();
    }
  } finally {
    // Ending the session releases the lock.
    await lock.end();
  }
}
