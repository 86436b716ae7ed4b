/**
 * webhooks: signed Stripe webhooks/s the payment service accepts (signature verification, event-id dedupe, payment
 * update and outbox write in one transaction) against a durable baseline — bench/durable-webhook-server.ts, the same
 * runtime (Fastify server and hooks, MikroORM pool, PostgreSQL, synchronous_commit) whose one route commits one
 * single-row INSERT per request — driven by the same load generator at the same concurrency in the same run. Then the
 * latency of a top-up: at a steady 100 webhooks/s for 30 s, the time from each webhook's 200 to the commit of its
 * CreditsGranted grant in the credit service's database.
 *
 * The payment and credit services run as their own processes, from their bundles with their production node flags
 * (e2e/support/platform.ts), on the shared Kafka and registry; the baseline as a process with the payment service's
 * flags. Payment's fresh database is seeded with open top-up payments; every request is a distinct
 * payment_intent.succeeded event for a distinct payment, so each accepted one is a real state change whose
 * PaymentSucceeded the relay publishes and credit turns into a grant. The load generator runs in a worker thread (its
 * own event loop): keep-alive http.Agent, N concurrent request loops, fixed duration; or a fixed rate (latency phase).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { databaseUrlFor, dropDatabase } from '@billing/platform';
import { freePort, uniqueName } from '@billing/testkit';
import { startPlatform } from '../e2e/support/platform';
import { serviceNodeFlags } from '../scripts/service-ports';
import { peakRssMb, percentile, processCpuSeconds, round } from './stats';
import { cpuMsPerOperation, type CpuSnapshot, cpuSnapshot } from './machine-cpu';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const warmupSeconds = 1;
const seededPayments = Number(process.env.BENCH_PAYMENTS ?? 30_000);
const latencyRate = 100;
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 30);
/** How often the credit database is asked which grants have committed: the latency's resolution. */
const grantPollMs = 10;
/** BENCH_SERVICE_NODE_ARGS: node arguments after the payment service's own flags (and the baseline's), e.g. --no-optimize-for-size. */
const extraNodeArgs = process.env.BENCH_SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

interface LoadResult {
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  requests: number;
  /** Fixed-rate mode: when (Date.now()) each request's 200 arrived, by request index. */
  acceptedAt: Record<number, number>;
}

interface LoadSettings {
  url: string;
  secret: string;
  /** Requests carry intents pi_<prefix>_<index> from this index on, and event ids evt_<prefix>_<index>. */
  prefix: string;
  intentOffset: number;
  /** Closed loop: `concurrency` loops for warm-up + `seconds`. Fixed rate: `rate` requests/s for `seconds`, from `startAt`. */
  mode: { concurrency: number; warmupSeconds: number; seconds: number } | { rate: number; seconds: number; startAt: number };
}

/** The load generator: plain JS so the worker needs no TypeScript loader. Signs each body as Stripe does. */
const loadGenerator = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { createHmac } = require('node:crypto');
const { url, secret, prefix, intentOffset, mode } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: mode.concurrency || 64 });
function body(index) {
  const now = Math.floor(Date.now() / 1000);
  const intent = 'pi_' + prefix + '_' + index;
  return JSON.stringify({
    id: 'evt_' + prefix + '_' + index, object: 'event', api_version: '2026-10-28.endive', created: now, type: 'payment_intent.succeeded',
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null },
    data: { object: { id: intent, object: 'payment_intent', amount: 1000, currency: 'eur', status: 'succeeded', client_secret: intent + '_secret_x',
      customer: 'cus_bench', last_payment_error: null, latest_charge: 'ch_' + prefix + '_' + index, cancellation_reason: null,
      metadata: { purpose: 'CREDIT_TOP_UP', topUpId: prefix + '-' + index, credits: '100' } } },
  });
}
function post(index) {
  const payload = body(index);
  const t = Math.floor(Date.now() / 1000);
  const signature = 't=' + t + ',v1=' + createHmac('sha256', secret).update(t + '.' + payload).digest('hex');
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'stripe-signature': signature } },
      (response) => { response.resume(); response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started, at: Date.now() })); });
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started, at: Date.now() }));
    request.end(payload);
  });
}
const result = { ok: 0, failed: 0, statuses: {}, latenciesMs: [], requests: 0, acceptedAt: {} };
function count(index, { status, ms, at }) {
  result.statuses[status] = (result.statuses[status] || 0) + 1;
  if (status === 200) { result.ok++; result.latenciesMs.push(ms); result.acceptedAt[index] = at; } else result.failed++;
}
(async () => {
  let next = intentOffset;
  if (mode.concurrency) {
    const measureFrom = performance.now() + mode.warmupSeconds * 1000;
    const end = measureFrom + mode.seconds * 1000;
    await Promise.all(Array.from({ length: mode.concurrency }, async () => {
      while (performance.now() < end) {
        const index = next++;
        const answer = await post(index);
        if (performance.now() >= measureFrom) count(index, answer);
      }
    }));
  } else {
    const total = mode.rate * mode.seconds;
    const pending = [];
    for (let sent = 0; sent < total; sent++) {
      const due = mode.startAt + (sent * 1000) / mode.rate;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const index = next++;
      pending.push(post(index).then((answer) => count(index, answer)));
    }
    await Promise.all(pending);
  }
  result.requests = next - intentOffset;
  agent.destroy();
  parentPort.postMessage(result);
})();
`;

/** Runs the load generator in a worker thread (the scale-out bench drives it too). */
export function load(settings: LoadSettings): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(loadGenerator, { eval: true, workerData: settings });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * Open top-up payments pi_<prefix>_<from> … for 200 customers, observed an hour ago, as the service stores them; each
 * one's reference (the top-up, so credit's grant source id) is <prefix>-<index>.
 */
export async function seed(pool: pg.Pool, prefix: string, from: number, count: number): Promise<void> {
  await pool.query(
    `insert into payments (payment_id, customer_id, purpose, reference_id, period_index, credits, reference_key, amount, currency, off_session,
       attempt, gateway_payment_intent_id, client_secret, status, status_observed_at, created_at, failure, cancellation_reason, refunds, disputes, version)
     select gen_random_uuid(), 'bench-customer-' || (i % 200), 'CREDIT_TOP_UP', $1 || '-' || i, null, 100, 'top-up:' || $1 || '-' || i, 1000, 'EUR', false,
       1, 'pi_' || $1 || '_' || i, 'pi_' || $1 || '_' || i || '_secret_x', 'requires_payment_method', now() - interval '1 hour', now() - interval '1 hour',
       null, null, '[]'::jsonb, '[]'::jsonb, 1
     from generate_series($2::int, $2::int + $3::int - 1) as i`,
    [prefix, from, count],
  );
}

/** This run's top-up grants committed in credit's database so far (credit also consumes other runs' events on the shared topic). */
async function topUpGrants(credit: pg.Pool, prefix: string): Promise<number> {
  const { rows } = await credit.query<{ count: number }>(`select count(*)::int as count from credit_grants where source_type = 'TOP_UP' and starts_with(source_id, $1)`, [`${prefix}-`]);
  return rows[0]!.count;
}

/**
 * Closed-loop load against `url` with the CPU the server process spent during the measured part, and where the rest of
 * the machine's went meanwhile: the credit process (granting the top-ups the payment service publishes), this load
 * generator, everything else (PostgreSQL, the broker), and the idle share.
 */
async function accepted(url: string, secret: string, prefix: string, pid: number, creditPid: number, postgres: pg.Pool, creditDatabase: string) {
  const before = processCpuSeconds(pid);
  const backendsBefore = await clientBackends(postgres);
  const machineBefore = cpuSnapshot([creditPid], [...backendsBefore.keys()]);
  const result = await load({ url, secret, prefix, intentOffset: 0, mode: { concurrency, warmupSeconds, seconds } });
  // The warm-up's requests are in the CPU too: per request over all of them.
  const server = processCpuSeconds(pid) - before;
  const backends = new Map([...backendsBefore, ...(await clientBackends(postgres))]);
  const machineAfter = cpuSnapshot([creditPid], [...backends.keys()]);
  const machine = cpuMsPerOperation(machineBefore, machineAfter, result.requests);
  const creditBackends = (snapshot: CpuSnapshot): CpuSnapshot => ({
    ...snapshot,
    postgresDatabase: new Map([...snapshot.postgresDatabase].filter(([backend]) => backends.get(backend) === creditDatabase)),
  });
  const creditsPostgres = cpuMsPerOperation(creditBackends(machineBefore), creditBackends(machineAfter), result.requests).postgresDatabase;
  const cpuMsPerRequest = round((server * 1000) / result.requests, 2);
  const cpu =
    `cpu_ms_per_request server=${cpuMsPerRequest} credit=${machine.services} postgres_backends=${machine.postgresDatabase} ` +
    `(credit's ${creditsPostgres}) load_generator=${machine.client} rest=${round(machine.rest - cpuMsPerRequest, 2)} machine_idle=${machine.idleShare}`;
  return { ...result, cpuMsPerRequest, cpu };
}

/** Every client backend of the PostgreSQL server (the services', the baseline's, the benchmark's) and its database. */
async function clientBackends(postgres: pg.Pool): Promise<Map<number, string>> {
  const { rows } = await postgres.query<{ pid: number; datname: string }>(
    `select pid, datname from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
  );
  return new Map(rows.map((row) => [row.pid, row.datname]));
}

/** The durable baseline as its own process; resolves once /readyz answers. */
async function startDurableBaseline(serverUrl: string, logDir: string) {
  const database = uniqueName('bench_durable');
  const port = await freePort();
  const log = openSync(join(logDir, 'durable-baseline.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [...serviceNodeFlags('payment'), ...extraNodeArgs, '--import', 'tsx', 'bench/durable-webhook-server.ts'], {
    env: { ...process.env, DATABASE_NAME: database, HTTP_PORT: String(port), SERVICE_TOKENS: `bench:${randomBytes(16).toString('hex')}`, LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  for (let ready = false; !ready; ) {
    if (child.exitCode !== null) throw new Error(`the durable baseline exited with ${child.exitCode}; see ${logDir}/durable-baseline.log`);
    ready = await fetch(`${url}/readyz`).then((response) => response.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url: `${url}/v1/webhooks/stripe`,
    pid: child.pid!,
    async stop() {
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : (child.once('exit', resolve), child.kill('SIGTERM'))));
      await dropDatabase(serverUrl, database);
    },
  };
}

/**
 * Sends `latencyRate` webhooks/s for `latencySeconds` and, meanwhile, asks credit's database every `grantPollMs` which
 * of their grants have committed. A grant's time is the PostgreSQL statement time of the first poll that saw it (a
 * committed row is visible to every statement that starts after its commit), so a latency is at most one poll interval
 * and one poll's duration longer than the truth, never shorter. Both clocks are this machine's realtime clock.
 */
async function grantLatencies(paymentUrl: string, secret: string, credit: pg.Pool, prefix: string) {
  const total = latencyRate * latencySeconds;
  const startAt = Date.now() + 500;
  const committedAt = new Map<string, number>();
  const sent = load({ url: paymentUrl, secret, prefix, intentOffset: 0, mode: { rate: latencyRate, seconds: latencySeconds, startAt } });
  let done = false;
  void sent.finally(() => (done = true));
  const deadline = startAt + latencySeconds * 1000 + 60_000;
  while (committedAt.size < total && Date.now() < deadline) {
    // Every request due by now whose grant was not seen yet.
    const due = Math.min(total, Math.floor(((Date.now() - startAt) * latencyRate) / 1000) + 1);
    const pending = Array.from({ length: Math.max(0, due) }, (_, index) => `${prefix}-${index}`).filter((id) => !committedAt.has(id));
    if (pending.length > 0) {
      const { rows } = await credit.query<{ source_id: string; seen_ms: string }>(
        `select source_id, (extract(epoch from statement_timestamp()) * 1000)::float8 as seen_ms from credit_grants where source_type = 'TOP_UP' and source_id = any($1::text[])`,
        [pending],
      );
      for (const row of rows) committedAt.set(row.source_id, Number(row.seen_ms));
    }
    if (done && pending.length === 0 && committedAt.size >= total) break;
    await new Promise((resolve) => setTimeout(resolve, grantPollMs));
  }
  const result = await sent;
  const latencies = Object.entries(result.acceptedAt).flatMap(([index, at]) => {
    const seen = committedAt.get(`${prefix}-${index}`);
    return seen === undefined ? [] : [seen - at];
  });
  return { result, latencies, granted: committedAt.size, total };
}

export async function run(): Promise<void> {
  const platform = await startPlatform({ only: ['payment', 'credit'], logLevel: 'info', extraNodeArgs: { payment: extraNodeArgs } });
  const { databaseUrl: serverUrl } = platform.infra;
  const payment = platform.services.payment;
  const creditService = platform.services.credit;
  const pool = new pg.Pool({ connectionString: databaseUrlFor(serverUrl, payment.database), max: 2 });
  const credit = new pg.Pool({ connectionString: databaseUrlFor(serverUrl, creditService.database), max: 2 });
  const webhookUrl = `${payment.httpUrl}/v1/webhooks/stripe`;
  const tag = randomBytes(3).toString('hex');
  const loadPrefix = `bench${tag}`;
  const latencyPrefix = `lat${tag}`;
  try {
    await seed(pool, loadPrefix, 0, seededPayments);
    await seed(pool, latencyPrefix, 0, latencyRate * latencySeconds);

    const baseline = await startDurableBaseline(serverUrl, platform.logDir);
    const durable = await accepted(baseline.url, platform.webhookSecret, `durable${tag}`, baseline.pid, creditService.child.pid!, pool, creditService.database);
    const baselinePeakMb = peakRssMb(baseline.pid);
    await baseline.stop();
    const ms = (samples: number[], p: number) => round(percentile(samples, p), 1);
    console.log(`durable: ${round(durable.ok / seconds)}/s p50_ms=${ms(durable.latenciesMs, 50)} p99_ms=${ms(durable.latenciesMs, 99)} ${durable.cpu}`);

    const service = await accepted(webhookUrl, platform.webhookSecret, loadPrefix, payment.child.pid!, creditService.child.pid!, pool, creditService.database);
    if (service.requests > seededPayments) throw new Error(`ran past the ${seededPayments} seeded payments; raise BENCH_PAYMENTS`);
    if (service.failed > 0 || durable.failed > 0) throw new Error(`refused webhooks: service ${JSON.stringify(service.statuses)}, baseline ${JSON.stringify(durable.statuses)}`);
    console.log(`service: ${round(service.ok / seconds)}/s p50_ms=${ms(service.latenciesMs, 50)} p99_ms=${ms(service.latenciesMs, 99)} ${service.cpu}`);

    // The latency phase starts once credit has granted every accepted top-up: a backlog would be measured instead.
    const drainStarted = Date.now();
    const drainDeadline = drainStarted + 300_000;
    while ((await topUpGrants(credit, loadPrefix)) < service.requests && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(`credit: ${await topUpGrants(credit, loadPrefix)} of the load phase's ${service.requests} top-ups granted ${round((Date.now() - drainStarted) / 1000, 1)}s after it ended`);

    const latency = await grantLatencies(webhookUrl, platform.webhookSecret, credit, latencyPrefix);
    // A grant not seen by the deadline counts as slower than any seen: p99 is Infinity when more than 1 % are missing.
    const missing = latency.total - latency.granted;
    const withMissing = [...latency.latencies, ...Array.from({ length: missing }, () => Number.POSITIVE_INFINITY)];
    console.log(
      `grant latency at ${latencyRate}/s for ${latencySeconds}s: granted=${latency.granted}/${latency.total} webhooks_ok=${latency.result.ok} p50_ms=${ms(withMissing, 50)} p90_ms=${ms(withMissing, 90)} p99_ms=${ms(withMissing, 99)} (webhook 200 p50_ms=${ms(latency.result.latenciesMs, 50)} p99_ms=${ms(latency.result.latenciesMs, 99)}; credit polled every ${grantPollMs}ms)`,
    );

    const { rows } = await pool.query<{ succeeded: number; outbox: number; marks: number }>(
      `select (select count(*)::int from payments where status = 'succeeded') as succeeded,
              (select count(*)::int from outbox where event_type = 'PaymentSucceeded') as outbox,
              (select count(*)::int from processed_webhook_events) as marks`,
    );
    const written = rows[0]!;
    const peak = { payment: peakRssMb(payment.child.pid!), credit: peakRssMb(creditService.child.pid!) };
    console.log(
      `concurrency=${concurrency} duration=${seconds}s (+${warmupSeconds}s warm-up) requests=${service.requests}+${latency.total} succeeded_payments=${written.succeeded} outbox_rows=${written.outbox} event_marks=${written.marks}${extraNodeArgs.length ? ` payment_extra_node_args="${extraNodeArgs.join(' ')}"` : ''}`,
    );
    console.log(`peak_rss_mb payment=${peak.payment} credit=${peak.credit} durable_baseline=${baselinePeakMb}`);
    console.log(
      `webhooks ratio=${round(service.ok / durable.ok, 3)} accepted_s=${round(service.ok / seconds)} durable_s=${round(durable.ok / seconds)} grant_p99_ms=${ms(withMissing, 99)}`,
    );
  } finally {
    await pool.end();
    await credit.end();
    await platform.stop();
  }
}
