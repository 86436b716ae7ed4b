/**
 * webhooks: signed Stripe webhooks/s the payment service accepts (signature verification, event-id dedupe, payment
 * update and outbox write in one transaction) against a raw baseline — a bare Fastify server on the same machine that
 * reads the body and answers 200 with no work — driven by the same client at the same concurrency in the same run.
 *
 * The service runs in this process (as in the integration tests) on a fresh database seeded with open payments; every
 * request is a distinct payment_intent.succeeded event for a distinct payment, so each one is a real state change
 * with a PaymentSucceeded outbox row. The load generator runs in a worker thread (its own event loop): keep-alive
 * http.Agent, N concurrent request loops, fixed duration.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { databaseUrlFor, dropDatabase, infrastructureConfigFromEnv } from '@billing/platform';
import { startStripeTestServer, uniqueName } from '@billing/testkit';
import { startPaymentService } from '../services/payment/src/payment-service';
import { percentile, round } from './stats';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const warmupSeconds = 1;
const seededPayments = Number(process.env.BENCH_PAYMENTS ?? 60_000);

interface LoadResult {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  seconds: number;
}

/** The load generator: plain JS so the worker needs no TypeScript loader. Signs each body as Stripe does. */
const loadGenerator = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { url, secret, concurrency, seconds, warmupSeconds, intentOffset, tag } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let next = intentOffset;
function body(index) {
  const now = Math.floor(Date.now() / 1000);
  const intent = 'pi_bench_' + index;
  return JSON.stringify({
    id: 'evt_' + tag + '_' + index, object: 'event', api_version: '2026-10-28.endive', created: now, type: 'payment_intent.succeeded',
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null },
    data: { object: { id: intent, object: 'payment_intent', amount: 1000, currency: 'eur', status: 'succeeded', client_secret: intent + '_secret_x',
      customer: 'cus_bench', last_payment_error: null, latest_charge: 'ch_' + index, cancellation_reason: null,
      metadata: { purpose: 'CREDIT_TOP_UP', topUpId: 'bench-' + index, credits: '100' } } },
  });
}
function post() {
  const payload = body(next++);
  const t = Math.floor(Date.now() / 1000);
  const signature = 't=' + t + ',v1=' + createHmac('sha256', secret).update(t + '.' + payload).digest('hex');
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'stripe-signature': signature } },
      (response) => { response.resume(); response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started })); });
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    request.end(payload);
  });
}
(async () => {
  const begin = performance.now();
  const measureFrom = begin + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  const result = { ok: 0, failed: 0, statuses: {}, latenciesMs: [], seconds };
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const { status, ms } = await post();
      if (performance.now() < measureFrom) continue;
      result.statuses[status] = (result.statuses[status] || 0) + 1;
      if (status === 200) { result.ok++; result.latenciesMs.push(ms); } else result.failed++;
    }
  }));
  result.requests = next - intentOffset;
  agent.destroy();
  parentPort.postMessage(result);
})();
`;

/** `loops` concurrent request loops (default BENCH_CONCURRENCY) against `url`, signing events for pi_bench_{intentOffset…}. */
export function load(url: string, secret: string, intentOffset: number, tag: string, loops = concurrency): Promise<LoadResult & { requests: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadGenerator, { eval: true, workerData: { url, secret, concurrency: loops, seconds, warmupSeconds, intentOffset, tag } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Open top-up payments pi_bench_0 … pi_bench_{n-1}, observed an hour ago, as the service stores them. */
export async function seed(pool: pg.Pool, count: number): Promise<void> {
  await pool.query(
    `insert into payments (payment_id, customer_id, purpose, reference_id, period_index, credits, reference_key, amount, currency, off_session,
       attempt, gateway_payment_intent_id, client_secret, status, status_observed_at, created_at, failure, cancellation_reason, refunds, disputes, version)
     select gen_random_uuid(), 'bench-customer', 'CREDIT_TOP_UP', 'bench-' || i, null, 100, 'top-up:bench-' || i, 1000, 'EUR', false,
       1, 'pi_bench_' || i, 'pi_bench_' || i || '_secret_x', 'requires_payment_method', now() - interval '1 hour', now() - interval '1 hour',
       null, null, '[]'::jsonb, '[]'::jsonb, 1
     from generate_series(0, $1::int - 1) as i`,
    [count],
  );
}

export async function run(): Promise<void> {
  const infrastructure = infrastructureConfigFromEnv();
  const database = uniqueName('bench_payment');
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const stripeServer = await startStripeTestServer();
  // Logs are produced as in production (info, JSON) but written to /dev/null so they cost what they cost without flooding the terminal.
  const logger = pino({ name: 'payment', level: 'info', base: { service: 'payment' } }, pino.destination({ dest: '/dev/null', sync: false }));
  const service = await startPaymentService(
    {
      service: uniqueName('payment_bench'),
      database,
      httpPort: 0,
      infrastructure,
      serviceTokens: `bench:${randomBytes(16).toString('hex')}`,
    },
    { stripe: { secretKey: stripeServer.apiKey, webhookSecret, ...stripeServer.clientOptions }, customerService: null, consumersFromBeginning: false, logger },
  );
  const pool = new pg.Pool({ connectionString: databaseUrlFor(infrastructure.databaseUrl, database), max: 2 });
  await seed(pool, seededPayments);

  const raw = Fastify({ logger: false });
  raw.removeAllContentTypeParsers();
  raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  raw.post('/v1/webhooks/stripe', async () => ({ received: true }));
  await raw.listen({ host: '127.0.0.1', port: 0 });
  const rawAddress = raw.server.address() as { port: number };

  const rawResult = await load(`http://127.0.0.1:${rawAddress.port}/v1/webhooks/stripe`, webhookSecret, 0, 'raw');
  await raw.close();
  const accepted = await load(`${service.httpUrl}/v1/webhooks/stripe`, webhookSecret, 0, randomBytes(4).toString('hex'));

  const { rows } = await pool.query<{ succeeded: number; outbox: number; marks: number }>(
    `select (select count(*)::int from payments where status = 'succeeded') as succeeded,
            (select count(*)::int from outbox where event_type = 'PaymentSucceeded') as outbox,
            (select count(*)::int from processed_webhook_events) as marks`,
  );
  const written = rows[0]!;
  await pool.end();
  await service.close();
  await stripeServer.close();
  await dropDatabase(infrastructure.databaseUrl, database);

  if (accepted.requests > seededPayments) throw new Error(`ran past the ${seededPayments} seeded payments; raise BENCH_PAYMENTS`);
  if (accepted.failed > 0) throw new Error(`the service refused ${accepted.failed} webhooks: ${JSON.stringify(accepted.statuses)}`);
  const acceptedPerSecond = accepted.ok / seconds;
  const rawPerSecond = rawResult.ok / seconds;
  console.log(
    `concurrency=${concurrency} duration=${seconds}s (+${warmupSeconds}s warm-up) requests=${accepted.requests} succeeded_payments=${written.succeeded} outbox_rows=${written.outbox} event_marks=${written.marks}`,
  );
  console.log(
    `raw p50_ms=${round(percentile(rawResult.latenciesMs, 50), 2)} p99_ms=${round(percentile(rawResult.latenciesMs, 99), 2)}; service p50_ms=${round(percentile(accepted.latenciesMs, 50), 2)}`,
  );
  console.log(
    `webhooks ratio=${round(acceptedPerSecond / rawPerSecond, 3)} accepted_s=${round(acceptedPerSecond)} raw_s=${round(rawPerSecond)} p99_ms=${round(percentile(accepted.latenciesMs, 99), 1)}`,
  );
}
