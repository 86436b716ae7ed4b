import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { InfraError } from './errors';
import { cacheDir } from './paths';
import { dataDirFor, makeSearchableDirs, postgresRunAs, reachableBinaries, rootStoreDir } from './postgres-cluster';
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

/**
 * DATABASE_URL when set (it must answer); otherwise an embedded PostgreSQL with its data under .cache/ (as root, when the
 * postgres user cannot reach .cache/, under /var/lib/billing-platform/: see infra/postgres-cluster.ts).
 */
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
  const runAs = postgresRunAs();
  const dataDir = dataDirFor(cacheDir, runAs);
  if (runningDaemon('postgres') && (await postgresAnswers(url)) === true) return { url, source: `embedded, reused; data in ${dataDir}` };
  if (await portIsOpen(port)) {
    throw new InfraError(`port ${port} for the embedded PostgreSQL is taken: set DATABASE_URL to that server, or EMBEDDED_PG_PORT to a free port`);
  }
  const binDir = reachableBinaries(runAs);
  if (dataDir.startsWith(`${rootStoreDir}/`) && !existsSync(dirname(dataDir))) {
    try {
      makeSearchableDirs(dirname(dataDir));
      // For whoever finds the directory: which clone it belongs to.
      writeFileSync(join(dirname(dataDir), 'README'), `Data of the embedded PostgreSQL of the billing platform whose cache directory is ${cacheDir}\n(there the postgres user cannot reach it).\n`);
    } catch (error) {
      throw new InfraError(
        `the postgres user cannot reach ${cacheDir} (a parent directory is private) and ${dirname(dataDir)} could not be created (${(error as Error).message}): set INFRA_CACHE_DIR to a directory it can reach, or DATABASE_URL to a PostgreSQL server`,
      );
    }
  }
  const daemon = startDaemon('postgres', process.execPath, ['--import', 'tsx', join('infra', 'embedded-postgres.ts')], {
    EMBEDDED_PG_PORT: String(port),
    EMBEDDED_PG_DIR: dataDir,
    EMBEDDED_PG_BIN_DIR: binDir,
    EMBEDDED_PG_UID: runAs ? String(runAs.uid) : '',
    EMBEDDED_PG_GID: runAs ? String(runAs.gid) : '',
  });
  launched.push(daemon);
  await waitUntil(daemon, 'embedded PostgreSQL', 120_000, async () => (await postgresAnswers(url, 1000)) === true);
  return { url, source: `embedded, started; data in ${dataDir}`, started: daemon };
}
