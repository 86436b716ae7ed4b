/**
 * The four services as separate OS processes, run from their bundles as `npm start` runs them (built from the current
 * sources at every start), against the shared test infrastructure and a local Stripe-compatible server in the test
 * process. Each run gets its own databases (DATABASE_NAME), its own consumer groups (SERVICE_INSTANCE) that start at
 * the end of the shared topics (CONSUME_FROM=latest), free ports, and one log file per process (stdout + stderr) under a
 * temp dir.
 * A process can be SIGKILLed or SIGTERMed and respawned with the same environment, ports and database (kill /
 * terminate / restart): the chaos run (e2e/chaos) does that, against a broker of its own (options.kafkaBrokers) whose
 * topics hold only its events. With `instances` > 1 every service runs as that many processes on its one database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropDatabase } from '@billing/platform';
import { freePort, startStripeTestServer, type StripeTestServer, testInfrastructure, type TestInfrastructure, uniqueName } from '@billing/testkit';
import { buildServices } from '../../scripts/build-services';
import { serviceNodeArgs } from '../../scripts/service-ports';

export const serviceNames = ['customer', 'credit', 'subscription', 'payment'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceProcess {
  readonly name: ServiceName;
  /** 0 … instances − 1. */
  readonly index: number;
  /** `credit` with one instance per service, `credit-0`, `credit-1` … with several. */
  readonly label: string;
  /**
   * `<label>.<incarnation>`: this process's KAFKA_CLIENT_ID (its consumer group members' ids start with it) and
   * PGAPPNAME (its PostgreSQL sessions' application_name), so its group members and relay lanes can be told apart.
   */
  readonly identity: string;
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
  /** Instance 0 of each service (the only one unless options.instances > 1). */
  readonly services: Record<ServiceName, ServiceProcess>;
  /** Every instance of each service, by index. */
  readonly instances: Record<ServiceName, ServiceProcess[]>;
  /** The base URL of the next instance of a service, round-robin: what a load balancer in front of it does. */
  nextHttpUrl(name: ServiceName): string;
  /** Virtual "now" of the subscription and credit processes. */
  virtualNow(): Date;
  /** SIGKILLs one service process; resolves when it has exited. */
  kill(name: ServiceName, index?: number): Promise<void>;
  /** SIGTERM (graceful shutdown); resolves with the exit code once it has exited (SIGKILL after 30 s). */
  terminate(name: ServiceName, index?: number): Promise<number | null>;
  /** Spawns a service again (after kill or terminate) with the same environment, ports and database; resolves once spawned. */
  restart(name: ServiceName, index?: number): Promise<void>;
  /** Resolves when the instance's current process answers /readyz 200 and logged 'consumers fetching' since it was spawned. */
  waitReady(name: ServiceName, index?: number, timeoutMs?: number): Promise<void>;
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
  /**
   * Processes per service (default 1), each with its own ports, all on the service's one database and in its
   * consumer groups (one SERVICE_INSTANCE per run, shared by the instances: see docs/scaling.md).
   */
  instances?: number;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');


const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n');

/** Starts the Stripe test server and the four processes; resolves when every /readyz answers 200 and every consumer fetches. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  await buildServices(serviceNames);
  const sharedInfra = await testInfrastructure();
  const infra: TestInfrastructure = options.kafkaBrokers ? { ...sharedInfra, kafkaBrokers: options.kafkaBrokers } : sharedInfra;
  const runId = uniqueName('e2e');
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'billing-e2e-'));
  const clockRate = options.clockRate ?? 1;
  const clockEpochMs = Date.now();
  const stripe = await startStripeTestServer();
  const count = options.instances ?? 1;
  const indexes = Array.from({ length: count }, (_, index) => index);
  const ports = {} as Record<ServiceName, { http: number; grpc?: number }[]>;
  for (const name of serviceNames) {
    ports[name] = [];
    for (const _ of indexes) ports[name].push({ http: await freePort(), ...(name === 'customer' || name === 'credit' ? { grpc: await freePort() } : {}) });
  }
  // With several customer instances, instance i of a caller dials them from instance i on (gRPC pick_first over an
  // address list): the callers are spread over them, and a call fails over to the next address when one is down.
  const customerGrpcUrl = (index: number) =>
    count === 1 ? `127.0.0.1:${ports.customer[0]!.grpc}` : `ipv4:${indexes.map((offset) => `127.0.0.1:${ports.customer[(index + offset) % count]!.grpc}`).join(',')}`;

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
    CUSTOMER_SERVICE_TOKEN: token,
    CLOCK_EPOCH_MS: String(clockEpochMs),
    SUBSCRIPTION_CLOCK_RATE: String(clockRate),
    CREDIT_CLOCK_RATE: String(clockRate),
  };

  const instances = Object.fromEntries(serviceNames.map((name) => [name, [] as ServiceProcess[]])) as Record<ServiceName, ServiceProcess[]>;
  const services = {} as Record<ServiceName, ServiceProcess>;
  const all = () => serviceNames.flatMap((name) => instances[name]);
  const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
  /** Sends `signal`; resolves with the exit code once the process has exited (SIGKILL after `killAfterMs`). */
  const end = (service: ServiceProcess, signal: NodeJS.Signals, killAfterMs: number) =>
    new Promise<number | null>((done) => {
      if (exited(service.child)) return done(service.child.exitCode);
      const killer = setTimeout(() => service.child.kill('SIGKILL'), killAfterMs);
      service.child.once('exit', (code) => {
        clearTimeout(killer);
        done(code);
      });
      service.child.kill(signal);
    });
  const stop = async () => {
    await Promise.all(all().map((service) => end(service, 'SIGTERM', 15_000)));
    await stripe.close();
    for (const name of serviceNames) await dropDatabase(infra.databaseUrl, `${runId}_${name}`).catch(() => undefined);
  };

  /** Log length when the current process was spawned: readiness is judged on what it logged itself. */
  const logStart = new Map<string, number>();
  const incarnations = new Map<string, number>();
  const spawnService = (name: ServiceName, index: number) => {
    const port = ports[name][index]!;
    const database = `${runId}_${name}`;
    const label = count === 1 ? name : `${name}-${index}`;
    const incarnation = (incarnations.get(label) ?? 0) + 1;
    incarnations.set(label, incarnation);
    const identity = `${label}.${incarnation}`;
    const logFile = join(logDir, `${label}.log`);
    const fd = openSync(logFile, 'a');
    logStart.set(label, fstatSync(fd).size);
    const child = spawn(process.execPath, serviceNodeArgs(name), {
      cwd: repoRoot,
      stdio: ['ignore', fd, fd],
      env: {
        ...common,
        ...options.env?.[name],
        DATABASE_NAME: database,
        HTTP_PORT: String(port.http),
        ...(port.grpc ? { GRPC_PORT: String(port.grpc) } : {}),
        CUSTOMER_GRPC_URL: customerGrpcUrl(index),
        KAFKA_CLIENT_ID: identity,
        PGAPPNAME: identity,
      },
    });
    closeSync(fd);
    const service: ServiceProcess = {
      name,
      index,
      label,
      identity,
      httpUrl: `http://127.0.0.1:${port.http}`,
      ...(port.grpc ? { grpcAddress: `127.0.0.1:${port.grpc}` } : {}),
      database,
      logFile,
      child,
      log: () => readFileSync(logFile, 'utf8'),
    };
    instances[name][index] = service;
    if (index === 0) services[name] = service;
  };
  for (const index of indexes) for (const name of serviceNames) spawnService(name, index);

  const instance = (name: ServiceName, index: number) => {
    const service = instances[name][index];
    if (!service) throw new Error(`${name} has no instance ${index} (instances: ${count})`);
    return service;
  };
  const waitReady = async (name: ServiceName, index = 0, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    // Ready = /readyz 200 and the 'consumers fetching' line: every consumer joined its group and resolved its start
    // offsets, so an event published from now on is consumed (the groups start at the latest offset).
    for (;;) {
      const service = instance(name, index);
      if (exited(service.child)) throw new Error(`${service.label} exited with ${service.child.exitCode ?? service.child.signalCode}:\n${tail(service.log())}`);
      const ready = await fetch(`${service.httpUrl}/readyz`).then((response) => response.status === 200, () => false);
      if (ready && readFileSync(service.logFile).subarray(logStart.get(service.label)).toString('utf8').includes('"msg":"consumers fetching"')) return;
      if (Date.now() > deadline) throw new Error(`${service.label} not ready (readyz ${ready}) in time:\n${tail(service.log())}`);
      await sleep(200);
    }
  };
  const restart = async (name: ServiceName, index = 0) => {
    if (!exited(instance(name, index).child)) throw new Error(`${instance(name, index).label} is still running: stop it first`);
    spawnService(name, index);
  };
  const next = Object.fromEntries(serviceNames.map((name) => [name, 0])) as Record<ServiceName, number>;

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
    instances,
    nextHttpUrl: (name) => instances[name][next[name]++ % count]!.httpUrl,
    virtualNow: () => new Date(clockEpochMs + (Date.now() - clockEpochMs) * clockRate),
    kill: async (name, index = 0) => void (await end(instance(name, index), 'SIGKILL', 0)),
    terminate: (name, index = 0) => end(instance(name, index), 'SIGTERM', 30_000),
    restart,
    waitReady,
    stop,
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (const service of all()) await waitReady(service.name, service.index, Math.max(0, deadline - Date.now()));
  } catch (error) {
    await stop();
    throw error;
  }
  return platform;
}
