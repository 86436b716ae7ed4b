import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver, type EntityManager } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Registry, collectDefaultMetrics } from 'prom-client';
import pg from 'pg';
import type { Logger } from 'pino';
import { infrastructureConfigFromEnv, type InfrastructureConfig } from '../config/infrastructure-config';
import { databaseAnswers, kafkaAnswers, registryAnswers } from '../config/probes';
import { databaseUrlFor } from '../database/database-url';
import { migrateDatabase, type MigrationClass } from '../database/migrate';
import { grpcServerTlsFromEnv, type GrpcServerTls } from '../grpc/grpc-server';
import { createHttpServer } from '../http/http-server';
import { ServiceTokens } from '../http/service-tokens';
import { AvroCodec } from '../messaging/avro-codec';
import { consumerLag, type TopicLag } from '../messaging/consumer-lag';
import { type EventHandler, type InboxHandlers, InboxConsumer, type InboxConsumerOptions } from '../messaging/inbox-consumer';
import { OutboxRelay } from '../messaging/outbox-relay';
import { type EventSchema, SchemaCatalog } from '../messaging/schema-catalog';
import { IncompatibleSchemaError, registerSchemas } from '../messaging/schema-registration';
import { kafkaLogCreator, knexLog } from '../observability/library-logs';
import { createLogger } from '../observability/logger';
import { MessagingMetrics, outboxBacklogQuery } from '../observability/messaging-metrics';
import { flushSpans } from '../observability/tracing';
import { MikroOrmExecutor, MikroOrmUnitOfWork } from '../sql/mikro-orm-unit-of-work';
import type { SqlExecutor, UnitOfWork } from '../sql/sql-executor';

/** The most a shutdown waits for the relay to publish what is left in its lanes; the rest waits for the next relay. */
const relayFlushTimeoutMs = 5_000;

/** BIND_HOST: the address servers listen on; loopback unless a container needs 0.0.0.0. */
export const bindHost = (env: NodeJS.ProcessEnv = process.env) => env.BIND_HOST ?? '127.0.0.1';

export interface ServiceSettings {
  service: string;
  /** This service's own database, e.g. billing_credit. */
  database: string;
  httpPort: number;
  grpcPort?: number;
  infrastructure: InfrastructureConfig;
  serviceTokens: string;
  /** SERVICE_INSTANCE: appended to every consumer name (group id, inbox rows), so a second instance (tests) gets its own groups. */
  instance?: string;
  /** CONSUME_FROM: where a NEW consumer group starts, overriding the service's default ('earliest' | 'latest'). */
  consumeFrom?: 'earliest' | 'latest';
  /** CONSUMER_RETRY_ATTEMPTS / CONSUMER_RETRY_MAX_BACKOFF_MS: a shorter retry before the dead-letter topic (E2E on a shared broker). */
  consumerRetry?: { attempts?: number; initialBackoffMs?: number; maxBackoffMs?: number };
  /** GRPC_TLS_CERT_FILE / GRPC_TLS_KEY_FILE: the gRPC server serves TLS; unset = plaintext. */
  grpcTls?: GrpcServerTls;
  /** GRPC_TLS_CA_FILE: gRPC clients of this service connect with TLS and verify the server against this CA. */
  grpcTlsCaFile?: string;
  /**
   * SHUTDOWN_DRAIN_MS: on SIGTERM, how long /readyz answers 503 while the instance still serves, before it stops
   * taking connections: at least a balancer's readiness period, so none sends it a request it would refuse. 1 s.
   */
  shutdownDrainMs?: number;
  /**
   * KAFKA_CLIENT_ID: this instance's Kafka client id (default: the service name), e.g. its pod name, so the members of
   * a consumer group (describeGroups, broker logs) tell which instance they are.
   */
  kafkaClientId?: string;
}

/**
 * Settings from the environment: HTTP_PORT, GRPC_PORT, SERVICE_TOKENS, DATABASE_NAME, SERVICE_INSTANCE, CONSUME_FROM,
 * KAFKA_CLIENT_ID, SHUTDOWN_DRAIN_MS, GRPC_TLS_CERT_FILE / GRPC_TLS_KEY_FILE / GRPC_TLS_CA_FILE, plus DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL.
 */
export function serviceSettingsFromEnv(defaults: { service: string; database: string; httpPort: number; grpcPort?: number }, env = process.env): ServiceSettings {
  if (!env.SERVICE_TOKENS) throw new Error('SERVICE_TOKENS is not set: give every caller a token (name:token[:customerId],…)');
  if (env.CONSUME_FROM !== undefined && env.CONSUME_FROM !== 'earliest' && env.CONSUME_FROM !== 'latest') {
    throw new Error(`CONSUME_FROM must be earliest or latest, got ${env.CONSUME_FROM}`);
  }
  const grpcTls = grpcServerTlsFromEnv(env);
  return {
    // SERVICE_INSTANCE / CONSUME_FROM: a throwaway instance on a shared broker (E2E tests) — own consumer groups, no replay.
    ...(env.SERVICE_INSTANCE ? { instance: env.SERVICE_INSTANCE } : {}),
    ...(env.CONSUME_FROM ? { consumeFrom: env.CONSUME_FROM } : {}),
    ...(env.CONSUMER_RETRY_ATTEMPTS || env.CONSUMER_RETRY_MAX_BACKOFF_MS
      ? {
          consumerRetry: {
            ...(env.CONSUMER_RETRY_ATTEMPTS ? { attempts: Number(env.CONSUMER_RETRY_ATTEMPTS) } : {}),
            ...(env.CONSUMER_RETRY_MAX_BACKOFF_MS ? { initialBackoffMs: Math.min(200, Number(env.CONSUMER_RETRY_MAX_BACKOFF_MS)), maxBackoffMs: Number(env.CONSUMER_RETRY_MAX_BACKOFF_MS) } : {}),
          },
        }
      : {}),
    ...defaults,
    // DATABASE_NAME: another database for this process (benchmarks, a second instance for tests).
    database: env.DATABASE_NAME ?? defaults.database,
    httpPort: Number(env.HTTP_PORT ?? defaults.httpPort),
    grpcPort: env.GRPC_PORT ? Number(env.GRPC_PORT) : defaults.grpcPort,
    infrastructure: infrastructureConfigFromEnv(env),
    serviceTokens: env.SERVICE_TOKENS,
    ...(grpcTls ? { grpcTls } : {}),
    ...(env.GRPC_TLS_CA_FILE ? { grpcTlsCaFile: env.GRPC_TLS_CA_FILE } : {}),
    ...(env.SHUTDOWN_DRAIN_MS ? { shutdownDrainMs: Number(env.SHUTDOWN_DRAIN_MS) } : {}),
    ...(env.KAFKA_CLIENT_ID ? { kafkaClientId: env.KAFKA_CLIENT_ID } : {}),
  };
}

export interface RuntimeOptions {
  settings: ServiceSettings;
  migrations: readonly MigrationClass[];
  /** Domain/application error code → HTTP status. */
  errorStatus: Record<string, number>;
  publicPaths?: string[];
  logger?: Logger;
}

/**
 * True when the catalogue is registered. An incompatible schema is thrown: such a deploy must not start. A registry that
 * does not answer, or fails otherwise, must not stop writes, which only need PostgreSQL: false, and the caller registers
 * once it can.
 */
async function registerSchemasAtStart(schemaRegistryUrl: string, schemas: readonly EventSchema[], logger: Logger): Promise<boolean> {
  if (!(await registryAnswers(schemaRegistryUrl))) {
    logger.warn({ schemaRegistryUrl }, 'schema registry does not answer: serving; the schemas are checked and registered once it answers');
    return false;
  }
  try {
    await registerSchemas(schemaRegistryUrl, schemas);
    return true;
  } catch (error) {
    if (error instanceof IncompatibleSchemaError) throw error;
    logger.warn({ err: error, schemaRegistryUrl }, 'registering the schemas failed: serving; registering them again in 5 s');
    return false;
  }
}

/** A consumer's options less what the runtime supplies, its handlers keyed by event name and typed by each event's payload. */
type ConsumerOptions<Tx extends SqlExecutor> = Omit<InboxConsumerOptions<Tx>, 'kafka' | 'codec' | 'unitOfWork' | 'logger' | 'metrics' | 'handlers'> & {
  handlers: InboxHandlers<Tx>;
};

/**
 * What every service process shares: its migrated database behind MikroORM, the Avro codec over the registry (the
 * project's schemas registered under BACKWARD), Kafka, an outbox relay, inbox consumers, the HTTP server with health,
 * readiness and metrics, and a shutdown that drains in order (stop taking requests, stop consuming, drain the relay).
 */
export class ServiceRuntime {
  readonly metrics = new Registry();
  readonly messagingMetrics: MessagingMetrics;
  readonly kafka: Kafka;
  readonly codec: AvroCodec;
  readonly http: FastifyInstance;
  readonly tokens: ServiceTokens;
  readonly unitOfWork: MikroOrmUnitOfWork;
  private readonly relay: OutboxRelay;
  private readonly consumers: InboxConsumer<SqlExecutor>[] = [];
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly plainPools: pg.Pool[] = [];

  private constructor(
    readonly settings: ServiceSettings,
    readonly logger: Logger,
    readonly orm: MikroORM,
    options: RuntimeOptions,
  ) {
    collectDefaultMetrics({ register: this.metrics });
    this.tokens = new ServiceTokens(settings.serviceTokens);
    this.unitOfWork = new MikroOrmUnitOfWork(orm.em as EntityManager);
    this.messagingMetrics = new MessagingMetrics(this.metrics, async () => {
      // Unknown (NaN) while the database is away, so /metrics still serves everything else during an outage.
      const [backlog] = await new MikroOrmExecutor(orm.em.fork() as EntityManager)
        .query<{ rows: number; oldestAgeSeconds: number }>(outboxBacklogQuery)
        .catch(() => [{ rows: Number.NaN, oldestAgeSeconds: Number.NaN }]);
      return backlog ?? { rows: 0, oldestAgeSeconds: 0 };
    }, () => this.consumerLag());
    this.kafka = new Kafka({ brokers: settings.infrastructure.kafkaBrokers, clientId: settings.kafkaClientId ?? settings.service, logLevel: logLevel.WARN, logCreator: kafkaLogCreator(logger) });
    this.codec = new AvroCodec(settings.infrastructure.schemaRegistryUrl, SchemaCatalog.fromDirectory());
    this.relay = new OutboxRelay({
      databaseUrl: this.databaseUrl,
      kafka: this.kafka,
      codec: this.codec,
      logger: logger.child({ component: 'outbox-relay' }),
      metrics: this.messagingMetrics,
    });
    this.http = createHttpServer({
      service: settings.service,
      logger,
      tokens: this.tokens,
      errorStatus: options.errorStatus,
      readiness: () => this.readiness(),
      draining: () => this.closing !== undefined,
      // The outbox keeps taking events while Kafka or the registry is away: still ready, only degraded.
      degradableChecks: ['kafka', 'registry'],
      metrics: this.metrics,
      publicPaths: options.publicPaths,
    });
  }

  get databaseUrl(): string {
    return databaseUrlFor(this.settings.infrastructure.databaseUrl, this.settings.database);
  }

  /** Migrates the database, registers the schemas, connects; call listen() once routes and consumers are added. */
  static async create(options: RuntimeOptions): Promise<ServiceRuntime> {
    const { settings } = options;
    const logger = options.logger ?? createLogger(settings.service);
    const applied = await migrateDatabase(settings.infrastructure.databaseUrl, settings.database, options.migrations);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const { schemaRegistryUrl } = settings.infrastructure;
    const schemas = SchemaCatalog.fromDirectory().all();
    // A registry that answers refuses an incompatible schema here, so such a deploy does not start. One that does not
    // answer must not stop writes, which only need PostgreSQL: the schemas are checked and registered once it answers.
    const registered = await registerSchemasAtStart(schemaRegistryUrl, schemas, logger);
    const orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: databaseUrlFor(settings.infrastructure.databaseUrl, settings.database),
      entities: [],
      discovery: { warnWhenNoEntities: false },
      pool: { min: 1, max: 10 },
      // Fail fast while PostgreSQL is away (503 DATABASE_UNAVAILABLE) rather than hold requests for knex's 60 s.
      driverOptions: { connection: { connectionTimeoutMillis: 2_000 }, acquireConnectionTimeout: 5_000, log: knexLog(logger) },
    });
    const runtime = new ServiceRuntime(settings, logger, orm, options);
    if (!registered) runtime.registerSchemasWhenReachable(schemas);
    return runtime;
  }

  private schemaRetry?: NodeJS.Timeout;

  /**
   * registerSchemas every 5 s until the registry answers. An incompatible schema is then only logged: events of its type
   * stay in the outbox (the registry refuses them to the relay too) until a compatible version is deployed.
   */
  private registerSchemasWhenReachable(schemas: readonly EventSchema[]): void {
    const attempt = (): void => {
      registerSchemas(this.settings.infrastructure.schemaRegistryUrl, schemas).then(
        () => this.logger.info('schemas registered: the schema registry answers again'),
        (error: unknown) => {
          if (error instanceof IncompatibleSchemaError) {
            this.logger.error({ err: error }, 'schemas incompatible with the registry: their events stay in the outbox');
            return;
          }
          if (this.closing) return;
          this.logger.warn({ err: error }, 'schema registry does not answer yet; registering the schemas again in 5 s');
          this.schemaRetry = setTimeout(attempt, 5_000);
        },
      );
    };
    attempt();
  }

  /** A consumer whose inbox transactions run on the runtime's unit of work (MikroORM's pool)… */
  addConsumer(options: ConsumerOptions<MikroOrmExecutor>): void;
  /** …or on the service's own (e.g. a plain pg pool it runs its hot path on). */
  addConsumer<Tx extends SqlExecutor>(options: ConsumerOptions<Tx> & { unitOfWork: UnitOfWork<Tx> }): void;
  addConsumer(options: ConsumerOptions<SqlExecutor> & { unitOfWork?: UnitOfWork<SqlExecutor> }): void {
    this.consumers.push(
      new InboxConsumer<SqlExecutor>({
        ...options,
        // The codec decoded each payload with its event type's schema, which the generated types are made from.
        handlers: options.handlers as Record<string, EventHandler<SqlExecutor>>,
        consumer: `${this.settings.service}.${options.consumer}${this.settings.instance ? `.${this.settings.instance}` : ''}`,
        ...(this.settings.consumeFrom ? { fromBeginning: this.settings.consumeFrom === 'earliest' } : {}),
        ...(this.settings.consumerRetry ? { retry: { ...options.retry, ...this.settings.consumerRetry } } : {}),
        kafka: this.kafka,
        codec: this.codec,
        unitOfWork: options.unitOfWork ?? this.unitOfWork,
        logger: this.logger.child({ component: 'consumer', consumer: options.consumer }),
        metrics: this.messagingMetrics,
      }),
    );
  }

  /**
   * Resolves when every consumer has joined its group AND fetched once, i.e. its start offsets are resolved: from then
   * on an event published is consumed even by a new group that starts at the latest offset. listen() logs
   * 'consumers fetching' at that point (tests wait for this, E2E tests for that line, before publishing).
   */
  async consumersFetching(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.fetching));
  }

  /** Stops consuming before close() (tests that count rows while other runs publish to the shared topics). */
  async stopConsumers(): Promise<void> {
    for (const consumer of this.consumers) await consumer.stop();
  }

  /** Something else to close on shutdown (a gRPC server, a scheduler), closed before the relay drains. */
  onShutdown(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /**
   * A plain node-postgres pool on the service's database, for the paths where a statement through MikroORM/knex costs
   * several times its CPU (credit's hot path and inbox, payment's webhooks: docs/performance.md). Ended by close(),
   * after the consumers that may run on it.
   */
  plainPool(max: number): pg.Pool {
    // As MikroORM's pool: while PostgreSQL is unreachable a statement fails in 2 s (503 / UNAVAILABLE), not after a hang.
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max, connectionTimeoutMillis: 2_000 });
    pool.on('error', (error) => this.logger.warn({ err: error }, 'idle database connection lost'));
    // pg-pool listens for errors only while a connection is idle: one the server ends while it is being released or
    // closed would raise an unhandled 'error' and end the process. Its failure reaches the statement that used it anyway.
    pool.on('connect', (client) => client.on('error', () => undefined));
    this.plainPools.push(pool);
    return pool;
  }

  /**
   * Statements outside any transaction, each on a pooled connection of its own: for a read that is one statement, which
   * needs no BEGIN and COMMIT around it (one round trip instead of three).
   */
  private outsideTransactions(): MikroOrmExecutor {
    return new MikroOrmExecutor(this.orm.em.fork() as EntityManager);
  }

  async readiness(): Promise<Record<string, boolean>> {
    const database = databaseAnswers(() => this.outsideTransactions().query('select 1'));
    const kafka = kafkaAnswers(this.settings.infrastructure.kafkaBrokers);
    const registry = registryAnswers(this.settings.infrastructure.schemaRegistryUrl);
    const [db, broker, schemas] = await Promise.all([database, kafka, registry]);
    return { database: db, kafka: broker, registry: schemas };
  }

  async listen(): Promise<void> {
    // Writes only need PostgreSQL: the service serves before its consumers have joined their groups (after a crash that
    // waits for the dead member's session to expire, ~30 s), and whatever Kafka does meanwhile only delays consuming.
    await this.relay.start();
    await this.http.listen({ host: bindHost(), port: this.settings.httpPort });
    const shutdown = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, 'shutting down');
      this.close({ drainMs: this.settings.shutdownDrainMs ?? 1_000 }).then(
        () => process.exit(0),
        (error: unknown) => {
          this.logger.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    // A runtime closed otherwise (tests start many in one process) must not leave its handlers behind.
    this.closers.push(async () => {
      process.off('SIGTERM', shutdown);
      process.off('SIGINT', shutdown);
    });
    if (await kafkaAnswers(this.settings.infrastructure.kafkaBrokers)) {
      for (const consumer of this.consumers) await consumer.startOrRetry();
    } else {
      this.logger.warn({ kafkaBrokers: this.settings.infrastructure.kafkaBrokers }, 'Kafka does not answer: serving; events wait in the outbox and the consumers start once it answers');
      for (const consumer of this.consumers) void consumer.startOrRetry();
    }
    this.logger.info({ httpPort: this.settings.httpPort, grpcPort: this.settings.grpcPort }, `${this.settings.service} ready`);
    void this.consumersFetching().then(() => this.logger.info({ consumers: this.consumers.map((consumer) => consumer.name) }, 'consumers fetching'));
  }

  /**
   * Shuts down for a rolling restart: /readyz answers 503 at once, the instance still serves for `drainMs` (balancers
   * take it out), then stops taking connections and finishes the requests in flight, closes gRPC and the jobs, stops
   * consuming and leaves its groups (their partitions go to the other instances now, not after a session timeout),
   * publishes what is left in its relay lanes, and closes the database. Idempotent: a second call (Ctrl-C reaches the
   * process group as SIGINT, then `npm start` sends SIGTERM) waits for the first.
   */
  close(options: { drainMs?: number } = {}): Promise<void> {
    this.closing ??= this.closeOnce(options.drainMs ?? 0);
    return this.closing;
  }

  private closing: Promise<void> | undefined;

  private lagAdmin?: Promise<Admin>;

  /** Each consumer group's lag, asked of the broker at scrape time; a broker that does not answer in 2 s fails the read. */
  private async consumerLag(): Promise<TopicLag[]> {
    this.lagAdmin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.lagAdmin = undefined;
      throw error;
    });
    const groups = this.consumers.map((consumer) => ({ groupId: consumer.name, topics: consumer.topics }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('consumer lag: the broker did not answer in 2 s')), 2_000)));
    try {
      return await Promise.race([this.lagAdmin.then((admin) => consumerLag(admin, groups)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async closeOnce(drainMs: number): Promise<void> {
    clearTimeout(this.schemaRetry);
    if (drainMs > 0) {
      this.logger.info({ drainMs }, 'draining: /readyz answers 503, still serving');
      await new Promise((resolve) => setTimeout(resolve, drainMs));
    }
    await this.http.close();
    for (const close of this.closers) await close();
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.relay.flush(relayFlushTimeoutMs);
    await this.relay.stop();
    await Promise.all(this.plainPools.map((pool) => pool.end()));
    await (await this.lagAdmin?.catch(() => undefined))?.disconnect();
    await this.orm.close();
    await flushSpans();
  }
}
