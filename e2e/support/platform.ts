/**
 * The four services as separate OS processes (`node --import tsx services/<name>/src/main.ts`), as `npm start` runs
 * them, against the shared test infrastructure and a local Stripe-compatible server in the test process. Each run gets
 * its own databases (DATABASE_NAME), its own consumer groups (SERVICE_INSTANCE) that start at the end of the shared
 * topics (CONSUME_FROM=latest), free ports, and one log file per process (stdout + stderr) under a temp dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase } from '@billing/platform';
import { startStripeTestServer, type StripeTestServer, testInfrastructure, type TestInfrastructure, uniqueName } from '@billing/platform/testing';

export const serviceNames = ['customer', 'credit', 'subscription', 'payment'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly httpUrl: string;
  readonly grpcAddress?: string;
  readonly database: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** The whole log so far. */
  log(): string;
}

export interface Platform {
  readonly runId: string;
  readonly token: string;
  readonly webhookSecret: string;
  readonly stripe: StripeTestServer;
  readonly infra: TestInfrastructure;
  readonly logDir: string;
  /** The real instant the accelerated clocks count from. */
  readonly clockEpochMs: number;
  readonly clockRate: number;
  readonly services: Record<ServiceName, ServiceProcess>;
  /** Virtual "now" of the subscription and credit processes. */
  virtualNow(): Date;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Accelerated clock for the subscription and credit processes (SUBSCRIPTION_CLOCK_RATE / CREDIT_CLOCK_RATE). */
  clockRate?: number;
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  startTimeoutMs?: number;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

/** Starts the Stripe test server and the four processes; resolves when every /readyz answers 200 and every consumer fetches. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const infra = await testInfrastructure();
  const runId = uniqueName('e2e');
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'billing-e2e-'));
  const clockRate = options.clockRate ?? 1;
  const clockEpochMs = Date.now();
  const stripe = await startStripeTestServer();
  const ports = {
    customer: { http: await freePort(), grpc: await freePort() },
    credit: { http: await freePort(), grpc: await freePort() },
    subscription: { http: await freePort() },
    payment: { http: await freePort() },
  } satisfies Record<ServiceName, { http: number; grpc?: number }>;

  const common: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    SERVICE_TOKENS: `e2e:${token}`,
    SERVICE_INSTANCE: runId,
    CONSUME_FROM: 'latest',
    // Other runs publish events about their own customers on the same topics while this one runs; some fail here
    // (unknown customer) and must not hold a partition for 5 attempts × seconds of backoff each before the DLQ.
    CONSUMER_RETRY_ATTEMPTS: '3',
    CONSUMER_RETRY_MAX_BACKOFF_MS: '100',
    LOG_LEVEL: 'debug',
    STRIPE_SECRET_KEY: stripe.apiKey,
    STRIPE_API_HOST: stripe.clientOptions.host,
    STRIPE_API_PORT: String(stripe.clientOptions.port),
    STRIPE_API_PROTOCOL: stripe.clientOptions.protocol,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    CUSTOMER_GRPC_URL: `127.0.0.1:${ports.customer.grpc}`,
    CUSTOMER_SERVICE_TOKEN: token,
    CLOCK_EPOCH_MS: String(clockEpochMs),
    SUBSCRIPTION_CLOCK_RATE: String(clockRate),
    CREDIT_CLOCK_RATE: String(clockRate),
  };

  const services = {} as Record<ServiceName, ServiceProcess>;
  const stop = async () => {
    const running = Object.values(services).filter((service) => service.child.exitCode === null && service.child.signalCode === null);
    await Promise.all(
      running.map(
        (service) =>
          new Promise<void>((done) => {
            const killer = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
            service.child.once('exit', () => {
              clearTimeout(killer);
              done();
            });
            service.child.kill('SIGTERM');
          }),
      ),
    );
    await stripe.close();
    for (const service of Object.values(services)) await dropDatabase(infra.databaseUrl, service.database).catch(() => undefined);
  };

  for (const name of serviceNames) {
    const port: { http: number; grpc?: number } = ports[name];
    const database = `${runId}_${name}`;
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', join('services', name, 'src', 'main.ts')], {
      cwd: repoRoot,
      stdio: ['ignore', fd, fd],
      env: {
        ...common,
        ...options.env?.[name],
        DATABASE_NAME: database,
        HTTP_PORT: String(port.http),
        ...(port.grpc ? { GRPC_PORT: String(port.grpc) } : {}),
      },
    });
    closeSync(fd);
    services[name] = {
      name,
      httpUrl: `http://127.0.0.1:${port.http}`,
      ...(port.grpc ? { grpcAddress: `127.0.0.1:${port.grpc}` } : {}),
      database,
      logFile,
      child,
      log: () => readFileSync(logFile, 'utf8'),
    };
  }

  const platform: Platform = {
    runId,
    token,
    webhookSecret,
    stripe,
    infra,
    logDir,
    clockEpochMs,
    clockRate,
    services,
    virtualNow: () => new Date(clockEpochMs + (Date.now() - clockEpochMs) * clockRate),
    stop,
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (const service of Object.values(services)) {
      // Ready = /readyz 200 and the 'consumers fetching' line: every consumer joined its group and resolved its start
      // offsets, so an event published from now on is consumed (the groups start at the latest offset).
      for (;;) {
        if (service.child.exitCode !== null) throw new Error(`${service.name} exited with ${service.child.exitCode}:\n${tail(service.log())}`);
        const ready = await fetch(`${service.httpUrl}/readyz`).then((response) => response.status === 200, () => false);
        if (ready && service.log().includes('"msg":"consumers fetching"')) break;
        if (Date.now() > deadline) throw new Error(`${service.name} not ready (readyz ${ready}) in time:\n${tail(service.log())}`);
        await sleep(200);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return platform;
}
