/**
 * The webhooks benchmark's durable baseline: the payment service's stack without its logic. The same ServiceRuntime
 * (the platform's Fastify server with its hooks and request log, MikroORM's pool of 10 connections to PostgreSQL,
 * synchronous_commit as the server sets it, the outbox relay idling) and the same route kit (public raw-body route),
 * whose one route commits one single-row INSERT of the body per request in its own transaction. Run as its own process
 * with the payment service's node flags; settings from the environment as a service's (HTTP_PORT, DATABASE_NAME…).
 */
import { Migration } from '@mikro-orm/migrations';
import { defineRoute, MessagingTablesMigration, type MikroOrmExecutor, registerRoutes, runServiceProcess, ServiceRuntime, serviceSettingsFromEnv } from '@billing/platform';

const path = '/v1/webhooks/stripe';

class DurableRequestsMigration extends Migration {
  static readonly migrationName = 'Migration20261204000000_durable_requests';

  override async up(): Promise<void> {
    this.addSql('create table durable_requests (id bigint generated always as identity primary key, body bytea not null, received_at timestamptz not null default now());');
  }
}

await runServiceProcess('durable-baseline', async () => {
  const runtime = await ServiceRuntime.create({
    settings: serviceSettingsFromEnv({ service: 'durable-baseline', database: 'bench_durable', httpPort: 0 }),
    migrations: [MessagingTablesMigration, DurableRequestsMigration],
    errorStatus: {},
    publicPaths: [path],
  });
  const route = defineRoute<{ Body: Buffer | undefined }, MikroOrmExecutor>({
    kind: 'custom',
    idempotent: false,
    public: true,
    rawBody: { description: 'any bytes', bodyLimit: 1024 * 1024 },
    method: 'POST',
    url: path,
    operationId: 'durableInsert',
    summary: 'Commits one row holding the body',
    tag: 'bench',
    access: 'any',
    schema: { success: { status: 200, body: { type: 'object', required: ['received'], properties: { received: { const: true } } } }, errors: {} },
    handle: async (request) => {
      await runtime.unitOfWork.transaction((tx) => tx.query('insert into durable_requests (body) values ($1)', [request.body ?? Buffer.alloc(0)]));
      return { status: 200, body: { received: true } };
    },
  });
  registerRoutes(runtime, [route], { title: 'durable baseline', version: '1.0.0' });
  await runtime.listen();
});
