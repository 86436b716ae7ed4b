import pg from 'pg';

/** The server URL with the database path replaced by `database`. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates the database unless it exists. Names are checked, since CREATE DATABASE takes no parameters. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  if (!identifier.test(database)) throw new Error(`invalid database name: ${database}`);
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) {
      await client.query(`create database ${database}`).catch((error: { code?: string }) => {
        // Two processes may race to create it; the loser sees duplicate_database, or unique_violation on the catalog
        // when both inserted at once (two instances of a service starting together on a fresh server).
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Drops the database, terminating the sessions still connected after `graceMs`. The grace is for sessions that are
 * closing: pg-pool's end() resolves once it has asked its connections to close, and a session terminated before it
 * has is raised as an 'error' on its pool.
 */
export async function dropDatabase(serverUrl: string, database: string, graceMs = 2_000): Promise<void> {
  if (!identifier.test(database)) throw new Error(`invalid database name: ${database}`);
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await client.connect();
  try {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const { rows } = await client.query<{ sessions: number }>('select count(*)::int as sessions from pg_stat_activity where datname = $1', [database]);
      if (rows[0]!.sessions === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.query(`drop database if exists ${database} with (force)`);
  } finally {
    await client.end();
  }
}
