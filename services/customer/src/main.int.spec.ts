import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@billing/platform';
import { startStripeTestServer, type StripeTestServer, testInfrastructure, uniqueName } from '@billing/testkit';
import { expect } from 'chai';

const mainTs = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Waits for a JSON log line with `msg` and returns it. */
function logLine(child: ChildProcess, output: { stdout: string }, msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      for (const line of output.stdout.split('\n')) {
        if (!line.includes(msg)) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.msg === msg) {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    };
    child.stdout!.on('data', check);
    check();
  });
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))]);

describe('src/main.ts as a process (the composition root)', function () {
  this.timeout(90_000);
  let stripe: StripeTestServer;
  let child: ChildProcess | undefined;
  const database = uniqueName('billing_customer_main_test');

  before(async () => {
    stripe = await startStripeTestServer();
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await stripe.close();
    await dropDatabase((await testInfrastructure()).databaseUrl, database);
  });

  it('starts from the environment, serves REST, and exits 0 on SIGTERM', async () => {
    const infra = await testInfrastructure();
    const token = randomBytes(24).toString('base64url');
    child = spawn(process.execPath, ['--import', 'tsx', mainTs], {
      env: {
        ...process.env,
        DATABASE_URL: infra.databaseUrl,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
        DATABASE_NAME: database,
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        SERVICE_TOKENS: `main-test:${token}`,
        STRIPE_SECRET_KEY: stripe.apiKey,
        STRIPE_API_HOST: stripe.host,
        STRIPE_API_PORT: String(stripe.port),
        STRIPE_API_PROTOCOL: 'http',
        LINK_PENDING_INTERVAL_MS: '500',
        // The test reads the process's info lines, whatever level the shell running the tests asks for.
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Both pipes drained (a full pipe would block the child); shown when a step fails.
    const output = { stdout: '', stderr: '' };
    child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    try {
      await run(child, output, token);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstdout:\n${output.stdout.slice(-3000)}\nstderr:\n${output.stderr.slice(-1500)}`);
    }
  });

  it('that cannot start exits 1 with one fatal log line that says what failed and what to do, and no stack on stderr', async () => {
    const refusing = spawn(process.execPath, ['--import', 'tsx', mainTs], {
      // Nothing listens on port 1: the migration's connection is refused.
      env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1', SERVICE_TOKENS: 'main-test:0123456789abcdef0123', STRIPE_SECRET_KEY: 'sk_test_unused', HTTP_PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { stdout: '', stderr: '' };
    refusing.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    refusing.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const code = await within(new Promise<number | null>((resolve) => refusing.once('exit', resolve)), 60_000, 'exit');
    expect(code).to.equal(1);
    expect(output.stderr).to.equal('');
    const fatal = output.stdout.split('\n').filter((line) => line.includes('"level":60')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(fatal).to.have.length(1);
    expect(fatal[0]!.msg).to.match(/^customer could not start: .*ECONNREFUSED/);
    expect(fatal[0]!.hint).to.contain('DATABASE_URL');
  });
});

async function run(child: ChildProcess, output: { stdout: string; stderr: string }, token: string): Promise<void> {
  const listening = await logLine(child, output, 'customer service listening');
  const httpUrl = listening.http as string;
  expect(listening.grpcPort).to.be.a('number').above(0);

  const answer = await fetch(`${httpUrl}/v1/customers`, {
    signal: AbortSignal.timeout(15_000),
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': uniqueName('key'), 'content-type': 'application/json' },
    body: JSON.stringify({ externalAccountId: uniqueName('acct'), email: 'main@example.com', defaultCurrency: 'SEK' }),
  });
  expect(answer.status).to.equal(201);
  expect(((await answer.json()) as { gatewayLink: string }).gatewayLink).to.equal('linked');

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await within(exited, 30_000, 'exit after SIGTERM')).to.equal(0);
  // Everything the process says is one JSON stream on stdout: kafkajs and knex log through the service's logger.
  expect(output.stderr).to.equal('');
  const notJson = output.stdout.split('\n').filter((line) => line !== '' && !isJson(line));
  expect(notJson).to.deep.equal([]);
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
