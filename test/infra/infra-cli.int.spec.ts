import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, testInfrastructure } from '@billing/testkit';
import { repoRoot } from '../../infra/paths';

const cli = join(repoRoot, 'infra', 'cli.ts');
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function infra(command: 'up' | 'down', env: NodeJS.ProcessEnv, args: string[] = []) {
  const result = spawnSync(process.execPath, [tsx, cli, command, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}


async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.end('not kafka\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** A fresh cache and fresh ports, so these runs never touch the infrastructure the rest of the suite uses. */
async function isolatedEnv(overrides: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    DATABASE_URL: (await testInfrastructure()).databaseUrl,
    INFRA_CACHE_DIR: mkdtempSync(join(tmpdir(), 'billing-infra-')),
    KAFKA_BROKERS: undefined,
    SCHEMA_REGISTRY_URL: undefined,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    SCHEMA_REGISTRY_PORT: String(await freePort()),
    ...overrides,
  };
}

const pidFiles = (env: NodeJS.ProcessEnv) => {
  const runDir = join(env.INFRA_CACHE_DIR!, 'run');
  return existsSync(runDir) ? readdirSync(runDir) : [];
};

describe('infra CLI (npm run infra:up / infra:down)', function () {
  this.timeout(240_000);
  const cacheDirs: string[] = [];
  const track = (env: NodeJS.ProcessEnv) => (cacheDirs.push(env.INFRA_CACHE_DIR!), env);
  after(() => cacheDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('when the environment is bad', () => {
    it('names a wrong DATABASE_URL and the fix in one line, starting nothing', async () => {
      const env = track(await isolatedEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1' }));
      const { status, stderr } = infra('up', env);
      expect(status).to.equal(1);
      expect(stderr.split('\n')[0]).to.match(/^infra: DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:1 does not answer .*fix DATABASE_URL/);
      expect(pidFiles(env)).to.deep.equal([]);
    });

    it('names a taken Kafka port and the variable that moves it', async () => {
      const { port, server } = await occupiedPort();
      try {
        const env = track(await isolatedEnv({ KAFKA_PORT: String(port), SCHEMA_REGISTRY_URL: (await testInfrastructure()).schemaRegistryUrl }));
        const { status, stderr } = infra('up', env);
        expect(status).to.equal(1);
        expect(stderr).to.equal(`infra: port ${port} is taken by a process that is not a Kafka broker: stop it or set KAFKA_PORT to a free port`);
        expect(pidFiles(env)).to.deep.equal([]);
      } finally {
        server.close();
      }
    });

    it('refuses --brokers 3 on base ports whose node ports would overlap, starting nothing', async () => {
      const env = track(await isolatedEnv({ KAFKA_PORT: '19400', KAFKA_CONTROLLER_PORT: '19402', SCHEMA_REGISTRY_URL: (await testInfrastructure()).schemaRegistryUrl }));
      const { status, stderr } = infra('up', env, ['--brokers', '3']);
      expect(status).to.equal(1);
      expect(stderr).to.equal(
        'infra: KAFKA_PORT=19400 and KAFKA_CONTROLLER_PORT=19402 give 3 nodes overlapping ports (19400, 19402, 19402, 19404, 19404, 19406): take two ports of different parity',
      );
      expect(pidFiles(env)).to.deep.equal([]);
    });

    it('says java is missing and how to install it', async () => {
      const bin = mkdtempSync(join(tmpdir(), 'billing-nojava-'));
      cacheDirs.push(bin);
      symlinkSync(process.execPath, join(bin, 'node'));
      const env = track(
        await isolatedEnv({ PATH: bin, JAVA_HOME: undefined, INFRA_JDK_DIR: join(bin, 'none'), SCHEMA_REGISTRY_URL: (await testInfrastructure()).schemaRegistryUrl }),
      );
      const { status, stderr } = infra('up', env);
      expect(status).to.equal(1);
      expect(stderr).to.match(/^infra: Apache Kafka [\d.]+ needs Java 17\+ \(no java found\): install a JDK 17\+ .* or set JAVA_HOME$/);
      expect(pidFiles(env)).to.deep.equal([]);
    });

    it('says Maven Central is unreachable when the jars are not cached and cannot be fetched', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'billing-nomaven-'));
      cacheDirs.push(dir);
      const settings = join(dir, 'settings.xml');
      writeFileSync(
        settings,
        `<settings><localRepository>${join(dir, 'repo')}</localRepository><mirrors><mirror><id>nowhere</id><mirrorOf>*</mirrorOf><url>http://127.0.0.1:9/maven2</url></mirror></mirrors></settings>`,
      );
      const env = track(await isolatedEnv({ INFRA_MAVEN_SETTINGS: settings, SCHEMA_REGISTRY_URL: (await testInfrastructure()).schemaRegistryUrl }));
      const { status, stderr } = infra('up', env);
      expect(status).to.equal(1);
      expect(stderr).to.match(/^infra: Maven Central is unreachable, so Apache Kafka [\d.]+ cannot be fetched: check the network/);
      expect(pidFiles(env)).to.deep.equal([]);
    });
  });

  describe('when started twice and stopped', () => {
    it('reuses what runs on the second up, and down leaves no process of ours', async () => {
      const env = track(await isolatedEnv());
      const first = infra('up', env);
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stdout).to.match(/kafka .*started/).and.match(/registry .*started/);
      const pids = pidFiles(env);
      expect(pids.sort()).to.include.members(['apicurio.pid', 'kafka.pid']);

      const second = infra('up', env);
      expect(second.status, second.stderr).to.equal(0);
      expect(second.stdout).to.match(/kafka .*reused/).and.match(/registry .*reused/);

      const down = infra('down', env);
      expect(down.status).to.equal(0);
      expect(down.stdout).to.contain('stopped kafka').and.contain('stopped apicurio');
      expect(pidFiles(env)).to.deep.equal([]);
      const ours = spawnSync('pgrep', ['-f', env.INFRA_CACHE_DIR!], { encoding: 'utf8' }).stdout.trim();
      expect(ours, 'processes still running from the isolated cache').to.equal('');
    });
  });
});
