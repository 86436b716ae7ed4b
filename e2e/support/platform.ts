/**
 * The four services as separate OS processes, run from their bundles as `npm start` runs them (built from the current
 * sources at every start), against the shared test infrastructure and a local Stripe-compatible server in the test
 * process. Each run gets its own databases (DATABASE_NAME), its own consumer groups (SERVICE_INSTANCE) that start at
 * the end of the shared topics (CONSUME_FROM=latest), free ports, and one log file per process (stdout + stderr) under a
 * temp dir.
 * A process can be SIGKILLed and respawned with the same environment, ports and database (kill / restart): the chaos
 * run (e2e/chaos) does that, against a broker of its own (options.kafkaBrokers) whose topics hold only its events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase } from '@billing/platform';
import { freePort, startStripeTestServer, type StripeTestServer, testInfrastructure, type TestInfrastructure, uniqueName } from '@billing/testkit';
import { buildServices } from '../../scripts/build-services';
import { bundleOf, serviceNodeFlags } from '../../scripts/service-ports';

export const serviceNames = ['customer', 'credit', 'subscription', 'payment'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceProcess {
  readonly name: ServiceName;
  readonly httpUrl: string;
  readonly grpcAddress?: string;
  readonly database: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** The whole log so far (every incarnation of the process: the file is appended to on restart). */
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
  /** SIGKILLs one service process; resolves when it has exited. */
  kill(name: ServiceName): Promise<void>;
  /** Spawns a service again (after kill) with the same environment, ports and database; resolves once spawned. */
  restart(name: ServiceName): Promise<void>;
  /** Resolves when the service's current process answers /readyz 200 and logged 'consumers fetching' since it was spawned. */
  waitReady(name: ServiceName, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Accelerated clock for the subscription and credit processes (SUBSCRIPTION_CLOCK_RATE / CREDIT_CLOCK_RATE). */
  clockRate?: number;
  /** Extra environment per service. */
  env?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  startTimeoutMs?: number;
  /** Another broker than the shared one (e.g. a private broker the test restarts); also replaces platform.infra.kafkaBrokers. */
  kafkaBrokers?: string[];
  /**
   * Where the run's NEW consumer groups start (default 'latest': the shared topics hold other runs' events). On a
   * broker of the run's own use 'earliest': a restarted consumer resumes at its committed offsets either way, but a
   * partition it never committed on would start at 'latest' and skip what arrived while the process was down.
   */
  consumeFrom?: 'earliest' | 'latest';
  /** LOG_LEVEL of the service processes (default debug). */
  logLevel?: string;
  /** Only these services (a benchmark's); the others are absent from Platform.services. Default: all four. */
  only?: readonly ServiceName[];
  /** Node arguments after a service's own flags (V8 takes the last of a flag): a benchmark comparing flags. */
  extraNodeArgs?: Partial<Record<ServiceName, readonly string[]>>;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');


const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

/** Starts the Stripe test server and the four processes (or `only` those); resolves when every /readyz answers 200 and every consumer fetches. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const started = options.only ?? serviceNames;
  await buildServices(started);
  const sharedInfra = await testInfrastructure();
  const infra: TestInfrastructure = options.kafkaBrokers ? { ...sharedInfra, kafkaBrokers: options.kafkaBrokers } : sharedInfra;
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
    CONSUME_FROM: options.consumeFrom ?? 'latest',
    // Other runs publish events about their own customers on the same topics while this one runs; some fail here
    // (unknown customer) and must not hold a partition for 5 attempts × seconds of backoff each before the DLQ.
    CONSUMER_RETRY_ATTEMPTS: '3',
    CONSUMER_RETRY_MAX_BACKOFF_MS: '100',
    LOG_LEVEL: options.logLevel ?? 'debug',
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

  /** Log length when the current process was spawned: readiness is judged on what it logged itself. */
  const logStart = {} as Record<ServiceName, number>;
  const spawnService = (name: ServiceName) => {
    const port: { http: number; grpc?: number } = ports[name];
    const database = `${runId}_${name}`;
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    logStart[name] = fstatSync(fd).size;
    const child = spawn(process.execPath, [...serviceNodeFlags(name), ...(options.extraNodeArgs?.[name] ?? []), bundleOf(name)], {
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
  };
  for (const name of started) spawnService(name);

  const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
  const waitReady = async (name: ServiceName, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    // Ready = /readyz 200 and the 'consumers fetching' line: every consumer joined its group and resolved its start
    // offsets, so an event published from now on is consumed (the groups start at the latest offset).
    for (;;) {
      const service = services[name];
      if (exited(service.child)) throw new Error(`${service.name} exited with ${service.child.exitCode ?? service.child.signalCode}:\n${tail(service.log())}`);
      const ready = await fetch(`${service.httpUrl}/readyz`).then((response) => response.status === 200, () => false);
      if (ready && readFileSync(service.logFile).subarray(logStart[name]).toString('utf8').includes('"msg":"consumers fetching"')) return;
      if (Date.now() > deadline) throw new Error(`${service.name} not ready (readyz ${ready}) in time:\n${tail(service.log())}`);
      await sleep(200);
    }
  };
  const kill = async (name: ServiceName) => {
    const { child } = services[name];
    if (exited(child)) return;
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  };
  const restart = async (name: ServiceName) => {
    if (!exited(services[name].child)) throw new Error(`${name} is still running: kill it first`);
    spawnService(name);
  };

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
    kill,
    restart,
    waitReady,
    stop,
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (const name of started) await waitReady(name, Math.max(0, deadline - Date.now()));
  } catch (error) {
    await stop();
    throw error;
  }
  return platform;
}
