import { join } from 'node:path';
import pg from 'pg';
import { InfraError } from './errors';
import { cacheDir } from './paths';
import { type Daemon, portIsOpen, runningDaemon, startDaemon, waitUntil } from './processes';

/** The URL without its password, for messages and logs. */
export const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export async function postgresAnswers(url: string, timeoutMs = 10_000): Promise<true | Error> {
  const client = new pg.Client({ connectionString: url, database: 'postgres', connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return error as Error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DATABASE_URL when set (it must answer); otherwise an embedded PostgreSQL with its data under .cache/. */
export async function startPostgres(env: NodeJS.ProcessEnv, launched: Daemon[]): Promise<{ url: string; source: string; started?: Daemon }> {
  if (env.DATABASE_URL) {
    const answer = await postgresAnswers(env.DATABASE_URL);
    if (answer !== true) {
      throw new InfraError(
        `DATABASE_URL=${redactUrl(env.DATABASE_URL)} does not answer (${answer.message}): start that PostgreSQL server or fix DATABASE_URL (unset it to use an embedded PostgreSQL)`,
      );
    }
    return { url: env.DATABASE_URL, source: 'DATABASE_URL' };
  }
  const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const url = `postgres://postgres:postgres@127.0.0.1:${port}`;
  if (runningDaemon('postgres') && (await postgresAnswers(url)) === true) return { url, source: 'embedded, reused' };
  if (await portIsOpen(port)) {
    throw new InfraError(`port ${port} for the embedded PostgreSQL is taken: set DATABASE_URL to that server, or EMBEDDED_PG_PORT to a free port`);
  }
  const daemon = startDaemon('postgres', process.execPath, ['--import', 'tsx', join('infra', 'embedded-postgres.ts')], {
    EMBEDDED_PG_PORT: String(port),
    EMBEDDED_PG_DIR: join(cacheDir, 'postgres-data'),
  });
  launched.push(daemon);
  await waitUntil(daemon, 'embedded PostgreSQL', 120_000, async () => (await postgresAnswers(url, 1000)) === true);
  return { url, source: 'embedded, started', started: daemon };
}
