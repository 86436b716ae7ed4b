import { MikroORM } from '@mikro-orm/core';
import { Migration, Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { databaseUrlFor, dropDatabase, ensureDatabase } from './database-url';
import { migrateDatabase } from './migrate';

class CreateProbeTable extends Migration {
  static readonly migrationName = 'Migration20261126000000_probe';

  override async up(): Promise<void> {
    this.addSql('create table probe (id uuid primary key, amount bigint not null check (amount > 0));');
  }
}

describe('Per-service database and MikroORM migrations (real PostgreSQL)', function () {
  this.timeout(30_000);

  it('creates a database of its own and applies a migration to it once', async () => {
    const { databaseUrl } = await testInfrastructure();
    const database = uniqueName('billing_smoke');
    await ensureDatabase(databaseUrl, database);
    await ensureDatabase(databaseUrl, database);
    const orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: databaseUrlFor(databaseUrl, database),
      entities: [],
      discovery: { warnWhenNoEntities: false },
      extensions: [Migrator],
      migrations: { silent: true, migrationsList: [{ name: 'Migration20261126000000_probe', class: CreateProbeTable }] },
      debug: false,
    });
    try {
      const applied = await orm.getMigrator().up();
      expect(applied.map((migration) => migration.name)).to.deep.equal(['Migration20261126000000_probe']);
      expect(await orm.getMigrator().up(), 'a second run applies nothing').to.deep.equal([]);
      const columns = await orm.em.getConnection().execute<{ column_name: string }[]>(
        "select column_name from information_schema.columns where table_name = 'probe' order by column_name",
      );
      expect(columns.map((column) => column.column_name)).to.deep.equal(['amount', 'id']);
    } finally {
      await orm.close();
      await dropDatabase(databaseUrl, database);
    }
  });

  // Two instances of a service starting together on a fresh server: both create the database (the loser of an
  // exact race gets unique_violation on pg_database) and both run the migrator; before the advisory lock in
  // migrateDatabase one of them failed on the migrations table or the probe table and the process exited.
  it('lets several instances migrate one fresh database at once: each migration applied once, none fails', async () => {
    const { databaseUrl } = await testInfrastructure();
    const database = uniqueName('billing_together');
    try {
      const applied = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(databaseUrl, database, [CreateProbeTable])));
      expect(applied.flat()).to.deep.equal(['Migration20261126000000_probe']);
    } finally {
      await dropDatabase(databaseUrl, database);
    }
  });
});
