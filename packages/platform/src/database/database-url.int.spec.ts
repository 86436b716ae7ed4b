import { expect } from 'chai';
import pg from 'pg';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { databaseUrlFor, dropDatabase, ensureDatabase } from './database-url';

describe('dropDatabase (real PostgreSQL)', function () {
  this.timeout(60_000);

  // pg-pool's end() resolves once it has asked its connections to close, not once they have: a drop WITH (FORCE) right
  // after it terminated the closing sessions, and the pool raised that as an 'error' nobody listened to (a red CI run).
  it('drops a database right after its pool has ended without terminating the sessions that were closing', async () => {
    const { databaseUrl } = await testInfrastructure();
    const errors: Error[] = [];
    for (let round = 0; round < 10; round += 1) {
      const database = uniqueName('billing_drop');
      await ensureDatabase(databaseUrl, database);
      const pool = new pg.Pool({ connectionString: databaseUrlFor(databaseUrl, database), max: 4 });
      pool.on('error', (error) => errors.push(error));
      await Promise.all(Array.from({ length: 4 }, () => pool.query('select pg_sleep(0.01)')));
      await pool.end();
      await dropDatabase(databaseUrl, database);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(errors.map((error) => error.message)).to.deep.equal([]);
  });

  it('still drops a database that a session stays connected to', async () => {
    const { databaseUrl } = await testInfrastructure();
    const database = uniqueName('billing_drop');
    await ensureDatabase(databaseUrl, database);
    const leaked = new pg.Client({ connectionString: databaseUrlFor(databaseUrl, database) });
    const lost = new Promise<Error>((resolve) => leaked.on('error', resolve));
    await leaked.connect();
    await dropDatabase(databaseUrl, database);
    expect((await lost).message).to.match(/terminating connection/);
    const admin = new pg.Client({ connectionString: databaseUrlFor(databaseUrl, 'postgres') });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
      expect(rowCount).to.equal(0);
    } finally {
      await admin.end();
    }
  });
});
