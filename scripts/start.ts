/**
 * `npm start`: the infrastructure, then every service that has a composition root (services/<name>/src/main.ts), each
 * as its own process. Runs in the foreground; Ctrl-C stops the services and the infrastructure this run started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra/errors';
import { infraDown, infraUp } from '../infra/infra';
import { repoRoot } from '../infra/paths';

const startedAt = Date.now();
let infra: Awaited<ReturnType<typeof infraUp>>;
try {
  infra = await infraUp();
} catch (error) {
  console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
  process.exit(1);
}
for (const line of infra.summary) console.log(line);

const services = readdirSync(join(repoRoot, 'services')).filter((name) => existsSync(join(repoRoot, 'services', name, 'src', 'main.ts')));
const children: ChildProcess[] = services.map((name) =>
  spawn(process.execPath, ['--import', 'tsx', join('services', name, 'src', 'main.ts')], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers,
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    },
  }),
);
console.log(services.length ? `services: ${services.join(', ')}` : 'no service has a src/main.ts yet: infrastructure only');
console.log(`platform ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s (Ctrl-C stops it)`);

const stop = async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  for (const line of await infraDown()) console.log(line);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
