/**
 * `npm start`: the infrastructure, then every service that has a composition root (services/<name>/src/main.ts), each
 * bundled (scripts/build-services.ts) and run as its own process with its database migrated and the schemas registered at its start. Waits until every /readyz
 * answers 200 and prints one `ready <service> <rest-base-url>` line each, then `platform ready in <seconds>s`.
 * Ctrl-C stops the services and the infrastructure this run started. Without STRIPE_SECRET_KEY the payment service talks
 * to the local Stripe-compatible server (packages/platform/src/testing/stripe), started here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra/errors';
import { infraUp, stopStarted } from '../infra/infra';
import { ensureDirs, repoRoot, runDir } from '../infra/paths';
import { isAlive } from '../infra/processes';
import { buildServices } from './build-services';
import { serviceNodeArgs, servicePorts } from './service-ports';

const startedAt = Date.now();
const services = readdirSync(join(repoRoot, 'services')).filter((name) => existsSync(join(repoRoot, 'services', name, 'src', 'main.ts')));
const unknown = services.filter((name) => !servicePorts[name]);
if (unknown.length) throw new Error(`no ports for ${unknown.join(', ')}: add them to scripts/service-ports.ts`);
ensureDirs();
const lockFile = join(runDir, 'platform.pid');
if (existsSync(lockFile) && isAlive(Number(readFileSync(lockFile, 'utf8')))) {
  console.error(`the platform is already running (npm start, pid ${readFileSync(lockFile, 'utf8').trim()}): stop it with Ctrl-C there first`);
  process.exit(1);
}
writeFileSync(lockFile, String(process.pid));

let infra: Awaited<ReturnType<typeof infraUp>>;
try {
  infra = await infraUp();
} catch (error) {
  console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
  rmSync(lockFile, { force: true });
  process.exit(1);
}
for (const line of infra.summary) console.log(line);

const devToken = process.env.SERVICE_TOKENS ? undefined : `dev-${randomBytes(16).toString('hex')}`;
const serviceTokens = process.env.SERVICE_TOKENS ?? `dev:${devToken}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: infra.databaseUrl,
  KAFKA_BROKERS: infra.kafkaBrokers,
  SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
  SERVICE_TOKENS: serviceTokens,
  CUSTOMER_GRPC_URL: process.env.CUSTOMER_GRPC_URL ?? `127.0.0.1:${servicePorts.customer!.grpc}`,
  CUSTOMER_SERVICE_TOKEN: process.env.CUSTOMER_SERVICE_TOKEN ?? devToken,
};
let stripeServer: { close(): Promise<void>; clientOptions: { host: string; port: number; protocol: string }; apiKey: string } | undefined;
if (!process.env.STRIPE_SECRET_KEY) {
  const { startStripeTestServer } = await import('../packages/platform/src/testing/stripe/stripe-test-server');
  stripeServer = await startStripeTestServer();
  Object.assign(env, {
    STRIPE_SECRET_KEY: stripeServer.apiKey,
    STRIPE_API_HOST: stripeServer.clientOptions.host,
    STRIPE_API_PORT: String(stripeServer.clientOptions.port),
    STRIPE_API_PROTOCOL: stripeServer.clientOptions.protocol,
    STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(16).toString('hex')}`,
  });
  console.log(`stripe    local Stripe-compatible server on ${stripeServer.clientOptions.protocol}://${stripeServer.clientOptions.host}:${stripeServer.clientOptions.port} (set STRIPE_SECRET_KEY for Stripe test mode)`);
}

await buildServices(services);
const children = new Map<string, ChildProcess>();
for (const name of services) {
  const port = servicePorts[name]!;
  const child = spawn(process.execPath, serviceNodeArgs(name), {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, HTTP_PORT: String(port.http), ...(port.grpc ? { GRPC_PORT: String(port.grpc) } : {}) },
  });
  children.set(name, child);
}

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all([...children.values()].map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await stripeServer?.close();
  // Only what this run started: a Kafka or registry that was already running (tests, another tool) stays up.
  for (const line of await stopStarted(infra.started)) console.log(line);
  rmSync(lockFile, { force: true });
  process.exit(code);
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
for (const [name, child] of children) {
  child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${name} exited (code ${code}); stopping the platform`);
    void stop(1);
  });
}

const deadline = Date.now() + 180_000;
for (const name of services) {
  const url = `http://127.0.0.1:${servicePorts[name]!.http}`;
  while (!(await fetch(`${url}/readyz`).then((response) => response.ok, () => false))) {
    if (Date.now() > deadline) {
      console.error(`${name} did not become ready at ${url}/readyz within 180 s`);
      await stop(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const grpc = servicePorts[name]!.grpc ? `  grpc 127.0.0.1:${servicePorts[name]!.grpc}` : '';
  const webhook = name === 'payment' ? `  stripe webhook ${url}/v1/webhooks/stripe` : '';
  console.log(`ready ${name} ${url}/v1  openapi ${url}/openapi.json${grpc}${webhook}`);
}
if (devToken) console.log(`service token (SERVICE_TOKENS was unset): Authorization: Bearer ${devToken}`);
console.log(`platform ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
