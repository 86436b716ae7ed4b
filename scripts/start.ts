/**
 * `npm start`: the infrastructure, then every service that has a composition root (services/<name>/src/main.ts), each
 * bundled (scripts/build-services.ts) and run as its own process with its database migrated and the schemas registered
 * at its start. Waits until every /readyz answers 200 and prints one `ready <service> <rest-base-url>` line each, then
 * `platform ready in <seconds>s`. Ctrl-C (at any moment, start-up included) stops the services and the infrastructure
 * this run started, within 15 s.
 *
 * Then the operator console (console/): its app is built (`npm run build -w console`) while the services start, and its
 * server runs as one more process once they are ready, calling them with the services' token; `ready console <url>`.
 * Without CONSOLE_USERS a development operator `operator` with a random password is made and printed.
 *
 * Without STRIPE_SECRET_KEY the payment service talks to the local Stripe-compatible server, started here with its
 * state kept under .cache/ and the payment service's webhook endpoint registered: a person pays on its test-checkout
 * page or with `npm run stripe`. What a script needs to call the platform (the service token, the local Stripe server)
 * goes to .cache/run/platform.json and .cache/run/stripe-local.json, readable by this user only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StripeTestServer } from '@billing/stripe-test-server';
import { InfraError } from '../infra/errors';
import { infraUp, stopStarted } from '../infra/infra';
import { ensureDirs, repoRoot, runDir } from '../infra/paths';
import { type Daemon, isAlive } from '../infra/processes';
import { buildServices } from './build-services';
import { consoleDevUser } from './console-dev-user';
import { platformRunFile } from './run-files';
import { stripeLocalRunFile, stripeLocalStateFile } from './stripe-local';
import { consolePort, serviceNodeArgs, servicePorts } from './service-ports';

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

/** The token service-to-service calls use: CUSTOMER_SERVICE_TOKEN, else the first unscoped one of SERVICE_TOKENS. */
function serviceToken(env: NodeJS.ProcessEnv): { tokens: string; token: string; generated: boolean } {
  if (!env.SERVICE_TOKENS) {
    const token = `dev-${randomBytes(16).toString('hex')}`;
    return { tokens: `dev:${token}`, token, generated: true };
  }
  const unscoped = env.SERVICE_TOKENS.split(',')
    .map((entry) => entry.trim().split(':'))
    .find((parts) => parts.length === 2 && parts[1]);
  const token = env.CUSTOMER_SERVICE_TOKEN ?? unscoped?.[1];
  if (!token) {
    console.error('SERVICE_TOKENS has no unscoped token (name:token) for the services to call each other: add one, or set CUSTOMER_SERVICE_TOKEN');
    rmSync(lockFile, { force: true });
    process.exit(1);
  }
  return { tokens: env.SERVICE_TOKENS, token, generated: false };
}

const children = new Map<string, ChildProcess>();
const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const launched: Daemon[] = [];
let stripeServer: StripeTestServer | undefined;
let stopping = false;

const exited = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)));

/**
 * Services first (SIGTERM: they finish in-flight work and leave their groups; SIGKILL after 5 s — outbox and inbox make
 * that safe), then the local Stripe server and the infrastructure this run launched, side by side (SIGKILL after 5 s):
 * within 15 s in all, with room for a loaded machine (a CI run measured more than 13 s with 7 s + 6 s).
 */
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
  const killer = setTimeout(() => {
    for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 5_000);
  await Promise.all([...children.values()].map(exited));
  clearTimeout(killer);
  const [, lines] = await Promise.all([stripeServer?.close(), stopStarted(launched, 5_000)]);
  for (const line of lines) console.log(line);
  for (const file of [lockFile, platformRunFile, stripeLocalRunFile]) rmSync(file, { force: true });
  process.exit(code);
};
// Before anything is launched: a Ctrl-C while Kafka or the registry is still starting stops what was launched so far.
// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal, and relayed by npm and tsx), and a second
// SIGINT with no listener would end it at once, before it stopped the infrastructure.
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

/** After a Ctrl-C, stop() owns the process until it exits: no step started before it goes on, or fails, past it. */
async function step<T>(work: Promise<T>): Promise<T> {
  const halt = () => new Promise<never>(() => undefined);
  try {
    const value = await work;
    return stopping ? halt() : value;
  } catch (error) {
    if (stopping) return halt();
    throw error;
  }
}

let infra: Awaited<ReturnType<typeof infraUp>>;
try {
  // Only what this run launches is stopped at the end: a Kafka or registry that was already running stays up.
  infra = await step(infraUp(process.env, launched));
} catch (error) {
  console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
  await stop(1);
  throw error;
}
for (const line of infra.summary) console.log(line);

const tokens = serviceToken(process.env);
if (!tokens.generated && !process.env.CUSTOMER_SERVICE_TOKEN) {
  console.log('the services call each other with the first unscoped token of SERVICE_TOKENS (set CUSTOMER_SERVICE_TOKEN for another)');
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: infra.databaseUrl,
  KAFKA_BROKERS: infra.kafkaBrokers,
  SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
  SERVICE_TOKENS: tokens.tokens,
  CUSTOMER_GRPC_URL: process.env.CUSTOMER_GRPC_URL ?? `127.0.0.1:${servicePorts.customer!.grpc}`,
  CUSTOMER_SERVICE_TOKEN: tokens.token,
};
const paymentUrl = `http://127.0.0.1:${servicePorts.payment!.http}`;
if (!process.env.STRIPE_SECRET_KEY) {
  const { startStripeTestServer } = await import('@billing/stripe-test-server');
  const port = Number(process.env.STRIPE_LOCAL_PORT ?? 12111);
  try {
    stripeServer = await step(startStripeTestServer({ port, stateFile: stripeLocalStateFile, webhookRetries: true }));
  } catch (error) {
    console.error(`the local Stripe-compatible server could not listen on 127.0.0.1:${port} (${(error as Error).message}): set STRIPE_LOCAL_PORT to a free port`);
    await stop(1);
    throw error;
  }
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(16).toString('hex')}`;
  stripeServer.addWebhookEndpoint(`${paymentUrl}/v1/webhooks/stripe`, webhookSecret);
  Object.assign(env, {
    STRIPE_SECRET_KEY: stripeServer.apiKey,
    STRIPE_API_HOST: stripeServer.clientOptions.host,
    STRIPE_API_PORT: String(stripeServer.clientOptions.port),
    STRIPE_API_PROTOCOL: stripeServer.clientOptions.protocol,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_CHECKOUT_PAGE_URL: `${stripeServer.url}/pay/`,
  });
  writeFileSync(stripeLocalRunFile, JSON.stringify({ url: stripeServer.url, apiKey: stripeServer.apiKey }), { mode: 0o600 });
  console.log(`stripe    ${stripeServer.url}  api key ${stripeServer.apiKey}  (local Stripe-compatible server; set STRIPE_SECRET_KEY for Stripe test mode)`);
}
// The app builds (vite, CPU-bound) while the services bundle and start; the console process waits for both.
const appBuild = spawn(npmCommand, ['run', 'build', '-w', 'console'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
children.set('console app build', appBuild);
const appBuilt = new Promise<boolean>((resolve) => appBuild.once('exit', (code) => resolve(code === 0)));
await step(buildServices([...services, 'console']));
for (const name of services) {
  const port = servicePorts[name]!;
  const child = spawn(process.execPath, serviceNodeArgs(name), {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, HTTP_PORT: String(port.http), ...(port.grpc ? { GRPC_PORT: String(port.grpc) } : {}) },
  });
  children.set(name, child);
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
    await sleep(250);
  }
  const grpc = servicePorts[name]!.grpc ? `  grpc 127.0.0.1:${servicePorts[name]!.grpc}` : '';
  console.log(`ready ${name} ${url}/v1  openapi ${url}/openapi.json${grpc}`);
}
if (!(await step(appBuilt))) console.error('the console app did not build (see above): the console answers a page saying so until `npm run build -w console` succeeds');
const consoleUrl = `http://${process.env.CONSOLE_HOST ?? '127.0.0.1'}:${process.env.CONSOLE_PORT ?? consolePort}`;
const devOperator = process.env.CONSOLE_USERS ? undefined : await consoleDevUser();
const consoleProcess = spawn(process.execPath, serviceNodeArgs('console'), {
  cwd: repoRoot,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...env,
    CONSOLE_SERVICE_TOKEN: process.env.CONSOLE_SERVICE_TOKEN ?? tokens.token,
    CONSOLE_USERS: process.env.CONSOLE_USERS ?? devOperator!.entry,
    ...Object.fromEntries(services.map((name) => [`${name.toUpperCase()}_URL`, process.env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${servicePorts[name]!.http}`])),
  },
});
children.set('console', consoleProcess);
consoleProcess.once('exit', (code) => {
  if (stopping) return;
  console.error(`the console exited (code ${code}); stopping the platform`);
  void stop(1);
});
const consoleDeadline = Date.now() + 60_000;
while (!(await fetch(`${consoleUrl}/healthz`).then((response) => response.ok, () => false))) {
  if (Date.now() > consoleDeadline) {
    console.error(`the console did not answer at ${consoleUrl}/healthz within 60 s`);
    await stop(1);
  }
  await sleep(250);
}
console.log(`ready console ${consoleUrl}`);
writeFileSync(
  platformRunFile,
  JSON.stringify({
    token: tokens.token,
    services: Object.fromEntries(services.map((name) => [name, { http: `http://127.0.0.1:${servicePorts[name]!.http}`, grpc: servicePorts[name]!.grpc }])),
    console: consoleUrl,
    ...(devOperator ? { consoleOperator: { name: devOperator.name, password: devOperator.password } } : {}),
  }),
  { mode: 0o600 },
);
if (tokens.generated) console.log(`service token (SERVICE_TOKENS was unset): Authorization: Bearer ${tokens.token}`);
if (devOperator) console.log(`console sign-in (CONSOLE_USERS was unset): name ${devOperator.name}  password ${devOperator.password}  at ${consoleUrl}`);
if (stripeServer) {
  console.log(`pay locally: open the checkoutUrl a payment answers (${stripeServer.url}/pay/<client secret or payment id>), or npm run stripe -- pay <payment id>`);
}
console.log(`try it: npm run demo   (the README's "First ten minutes" walks the same steps with curl)`);
console.log(`platform ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
