import { MikroORM } from '@mikro-orm/core';
import { type Migration, Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { databaseUrlFor, ensureDatabase } from './database-url';

export type MigrationClass = (new (...args: ConstructorParameters<typeof Migration>) => Migration) & { migrationName?: string };

/** Creates the service's database if needed and applies its migrations in order; returns the names applied now. */
export async function migrateDatabase(serverUrl: string, database: string, migrations: readonly MigrationClass[]): Promise<string[]> {
  await ensureDatabase(serverUrl, database);
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
}
