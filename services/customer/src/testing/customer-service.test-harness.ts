// Test-only: the real customer service, started in-process on a fresh database, Stripe replaced by the local
// Stripe-compatible server (the real SDK pointed at it), plus helpers to call it and to count what it stored.
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseUrlFor, dropDatabase, type ServiceSettings } from '@billing/platform';
import { startStripeTestServer, type StripeTestServer, testInfrastructure, uniqueName } from '@billing/platform/testing';
import pg from 'pg';
import { pino } from 'pino';
import { type RunningCustomerService, startCustomerService } from '../customer-service';

export interface HttpCall {
  readonly body?: unknown;
  /** Sent as is (for bodies that are not JSON, too large, or not even UTF-8). */
  readonly rawBody?: string | Uint8Array;
  readonly idempotencyKey?: string;
  /** Default: the full-access token; null sends none. */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // Tests read JSON bodies freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface StoredCounts {
  readonly customers: number;
  readonly links: number;
  readonly outbox: number;
  readonly idempotencyKeys: number;
}

export interface CustomerServiceHarness {
  readonly service: RunningCustomerService;
  readonly stripe: StripeTestServer;
  readonly token: string;
  /** A token scoped to `scopedCustomerId`. */
  readonly scopedToken: string;
  readonly scopedCustomerId: string;
  readonly pool: pg.Pool;
  readonly database: string;
  http(method: string, path: string, call?: HttpCall): Promise<HttpAnswer>;
  counts(): Promise<StoredCounts>;
  outboxEventTypes(customerId: string): Promise<string[]>;
  /** Stops the service (as on SIGTERM) but keeps its database for inspection; close() drops it. */
  stopService(): Promise<void>;
  /** Another instance of the service on the same database and Stripe (the caller closes it). */
  startAnother(): Promise<RunningCustomerService>;
  close(): Promise<void>;
}

const newToken = () => randomBytes(24).toString('base64url');

export async function startCustomerServiceHarness(options: { linkIntervalMs?: number } = {}): Promise<CustomerServiceHarness> {
  const infra = await testInfrastructure();
  const database = uniqueName('billing_customer_test');
  const stripe = await startStripeTestServer();
  const token = newToken();
  const scopedToken = newToken();
  const scopedCustomerId = randomUUID();
  const settings: ServiceSettings = {
    service: 'customer',
    database,
    httpPort: 0,
    grpcPort: 0,
    infrastructure: { databaseUrl: infra.databaseUrl, kafkaBrokers: infra.kafkaBrokers, schemaRegistryUrl: infra.schemaRegistryUrl },
    serviceTokens: `tests:${token},scoped:${scopedToken}:${scopedCustomerId}`,
  };
  const start = () =>
    startCustomerService(settings, {
      stripe: { secretKey: stripe.apiKey, ...stripe.clientOptions, timeoutMs: 2_000, maxNetworkRetries: 0 },
      // Long by default so a test decides when the job runs (runOnce); the outage tests shorten it.
      linkIntervalMs: options.linkIntervalMs ?? 60_000,
      // The tests decide when Stripe comes back; a customer is the job's as soon as it is registered.
      linkGraceMs: 0,
      env: {},
      // Quiet unless something is wrong; LOG_LEVEL=info shows every request.
      logger: pino({ level: process.env.LOG_LEVEL ?? 'error', base: { service: 'customer' } }),
    });
  const service = await start();
  const pool = new pg.Pool({ connectionString: databaseUrlFor(infra.databaseUrl, database), max: 2 });
  // close() drops the database WITH (FORCE): a connection of this pool still open then is terminated, as expected.
  pool.on('error', () => undefined);
  let stopped: Promise<void> | undefined;
  const stopService = () => (stopped ??= service.close());
  const count = async (table: string) => Number((await pool.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n);

  return {
    service,
    stripe,
    token,
    scopedToken,
    scopedCustomerId,
    pool,
    database,
    async http(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const bearer = call.token === undefined ? token : call.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
      let body: string | Uint8Array | undefined;
      if (call.rawBody !== undefined) body = call.rawBody;
      else if (call.body !== undefined) body = JSON.stringify(call.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${service.httpUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async counts() {
      return {
        customers: await count('customers'),
        links: await count('customer_gateway_links'),
        outbox: await count('outbox'),
        idempotencyKeys: await count('idempotency_keys'),
      };
    },
    async outboxEventTypes(customerId) {
      const rows = await pool.query<{ event_type: string }>('select event_type from outbox where aggregate_id = $1 order by seq', [customerId]);
      return rows.rows.map((row) => row.event_type);
    },
    stopService,
    startAnother: start,
    async close() {
      await stopService();
      await pool.end();
      await stripe.close();
      await dropDatabase(infra.databaseUrl, database);
    },
  };
}

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { externalAccountId: uniqueName('acct'), email: 'ada@example.com', name: 'Ada Lovelace', defaultCurrency: 'EUR', ...overrides };
}

export const newKey = () => randomUUID();
