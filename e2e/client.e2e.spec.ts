/**
 * @billing/client as a product team gets it: packed with `npm pack`, installed outside the repository, and the AI
 * gateway example (examples/ai-gateway) running as its own process against the four platform processes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually, freePort, uniqueName } from '@billing/testkit';
import { expect } from 'chai';
import { type Platform, startPlatform } from './support/platform';
import { type CreditGrpc, creditGrpcClient, deliverWebhook, restClient, stripeClient } from './support/clients';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');
/** The repository's tsx runs the example's and the script's TypeScript; what they import resolves from their own folder. */
const tsxLoader = import.meta.resolve('tsx');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

interface Gateway {
  url: string;
  child: ChildProcess;
  logFile: string;
}

describe('@billing/client: the AI gateway example against the platform (processes)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let credit: CreditGrpc;
  let workDir: string;
  let tarball: string;
  let exampleDir: string;
  let topUpPack: string;
  const gateways: Gateway[] = [];

  /** `npm pack` of packages/client, then the example copied outside the repository and installed from that tarball. */
  async function packAndInstallExample(): Promise<void> {
    workDir = mkdtempSync(join(tmpdir(), 'billing-client-e2e-'));
    await run('npm', ['pack', '--pack-destination', workDir], { cwd: join(repoRoot, 'packages', 'client') });
    tarball = join(workDir, readdirSync(workDir).find((file) => file.endsWith('.tgz'))!);
    exampleDir = join(workDir, 'ai-gateway');
    cpSync(join(repoRoot, 'examples', 'ai-gateway'), exampleDir, { recursive: true, filter: (path) => !/node_modules|vendor/.test(path.slice(repoRoot.length)) });
    const manifest = JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8'));
    manifest.dependencies['@billing/client'] = `file:${tarball}`;
    writeFileSync(join(exampleDir, 'package.json'), JSON.stringify(manifest, null, 2));
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: exampleDir });
    // It compiles against the tarball's declarations alone (its tsconfig: nodenext, strict, no skipLibCheck).
    await run(process.execPath, [tsc, '-p', exampleDir, '--typeRoots', join(repoRoot, 'node_modules', '@types')], { cwd: exampleDir });
  }

  before(async function () {
    this.timeout(300_000);
    // allSettled, not all: a failed pack must not leave the platform starting unseen, with no after() to stop it (its
    // processes then consumed the next run's events into their own databases).
    const [started, installed] = await Promise.allSettled([startPlatform(), packAndInstallExample()]);
    if (started.status === 'fulfilled') platform = started.value;
    for (const outcome of [started, installed]) if (outcome.status === 'rejected') throw outcome.reason;
    credit = creditGrpcClient(platform, { deadlineMs: 5_000 });
    topUpPack = `e2e-client-pack-${randomUUID().slice(0, 8)}`;
    const pack = await restClient(platform, 'payment')('POST', '/v1/top-up-packs', { code: topUpPack, credits: 500, prices: [{ amount: 1_000, currency: 'EUR' }] });
    expect(pack.status, JSON.stringify(pack.body)).to.equal(201);
  });

  after(async function () {
    this.timeout(60_000);
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    credit?.close();
    if (platform) console.log(`    e2e logs: ${platform.logDir}`);
    await platform?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
    const port = await freePort();
    const logFile = join(platform.logDir, `ai-gateway-${port}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
      cwd: exampleDir,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        PORT: String(port),
        CREDIT_GRPC_URL: platform.services.credit.grpcAddress!,
        BILLING_TOKEN: platform.token,
        KAFKA_BROKERS: platform.infra.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: platform.infra.schemaRegistryUrl,
        GROUP_ID: uniqueName('ai_gateway'),
        ...env,
      },
    });
    closeSync(fd);
    const gateway = { url: `http://127.0.0.1:${port}`, child, logFile };
    gateways.push(gateway);
    const ready = await eventually(
      () => fetch(`${gateway.url}/readyz`).then((response) => response.status, () => 0),
      (status) => status === 200 || child.exitCode !== null,
      60_000,
      200,
    );
    expect(ready, readFileSync(logFile, 'utf8')).to.equal(200);
    return gateway;
  }

  /** A customer whose credit account holds `credits` (a manual grant once the account is opened over Kafka). */
  async function customerWithCredits(label: string, credits: number): Promise<string> {
    const registered = await restClient(platform, 'customer')('POST', '/v1/customers', { externalAccountId: `${platform.runId}-${label}`, email: `${label}@example.com`, defaultCurrency: 'EUR' });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    const customerId: string = registered.body.customer.id;
    const grant = await eventually(
      () => restClient(platform, 'credit')('POST', `/v1/accounts/${customerId}/grants`, { amount: credits, source: { type: 'MANUAL', id: `${label}-start` } }),
      (answer) => answer.status !== 404,
      30_000,
      200,
    );
    expect(grant.status, JSON.stringify(grant.body)).to.equal(201);
    return customerId;
  }

  const complete = async (gateway: Gateway, body: object, idempotencyKey?: string) => {
    const response = await fetch(`${gateway.url}/v1/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (await response.json()) as any };
  };
  const words = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`).join(' ');
  const balanceOf = (customerId: string) => credit.call('GetBalance', { customerId });
  const ledgerOf = async (customerId: string) =>
    ((await credit.call('ListLedger', { customerId, limit: 500 })).entries as { sequence: number; type: string; reservationId: string; amount: number }[]).sort(
      (a, b) => a.sequence - b.sequence,
    );

  it('the packed tarball installs into an empty folder, and a 10-line TypeScript script using it type-checks and runs', async () => {
    const customerId = await customerWithCredits('script', 200);
    const dir = join(workDir, 'script');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'outside', private: true, type: 'module' }));
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir });
    const script = [
      "import { createCreditClient, InsufficientCredits } from '@billing/client';",
      '',
      'const credits = createCreditClient({ url: process.env.CREDIT_GRPC_URL!, token: process.env.BILLING_TOKEN! });',
      'const customerId = process.env.CUSTOMER_ID!;',
      'const charged = await credits.withCredits(customerId, 20, async (hold) => hold.amount - 5);',
      'const balance = await credits.getBalance(customerId);',
      'const refused = await credits.reserve({ customerId, amount: 1e9 }).catch((error: unknown) => error instanceof InsufficientCredits);',
      'console.log(JSON.stringify({ captured: charged.captured, available: balance.available, refused }));',
      'credits.close();',
    ];
    expect(script.length).to.be.at.most(10);
    writeFileSync(join(dir, 'script.ts'), script.join('\n'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repoRoot, 'node_modules', '@types')] },
        files: ['script.ts'],
      }),
    );

    await run(process.execPath, [tsc, '-p', dir], { cwd: dir });
    const { stdout } = await run(process.execPath, ['--import', tsxLoader, 'script.ts'], {
      cwd: dir,
      env: { ...process.env, CREDIT_GRPC_URL: platform.services.credit.grpcAddress!, BILLING_TOKEN: platform.token, CUSTOMER_ID: customerId },
    });

    expect(JSON.parse(stdout.trim())).to.deep.equal({ captured: 15, available: 185, refused: true });
  });

  it('charges each completion exactly the usage the gateway reported; at zero credits answers 402; a top-up paid on the local checkout unblocks it', async () => {
    const gateway = await startGateway();
    const customerId = await customerWithCredits('charge', 300);

    const answers = [
      ...(await Promise.all([2, 5, 7, 11, 30].map((count) => complete(gateway, { customerId, prompt: words(count), maxTokens: 50 })))),
      await complete(gateway, { customerId, prompt: words(4), maxTokens: 20 }),
    ];

    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    const usage = answers.map((answer) => answer.body.usage.credits as number);
    expect(usage).to.deep.equal([6, 15, 21, 33, 50, 12]);
    const spent = usage.reduce((sum, credits) => sum + credits, 0);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 300 - spent, available: 300 - spent, held: 0 });
    const ledger = await ledgerOf(customerId);
    for (const answer of answers) {
      const captures = ledger.filter((entry) => entry.type === 'capture' && entry.reservationId === answer.body.reservationId);
      expect(captures.map((entry) => entry.amount), `capture of ${answer.body.reservationId}`).to.deep.equal([answer.body.usage.credits]);
    }

    // Spend exactly what is left: the customer is at zero.
    const rest = 300 - spent;
    const last = await complete(gateway, { customerId, prompt: words(Math.ceil(rest / 3)), maxTokens: rest });
    expect(last.status, JSON.stringify(last.body)).to.equal(200);
    expect(last.body.usage.credits).to.equal(rest);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 0, available: 0, held: 0 });

    const refused = await complete(gateway, { customerId, prompt: words(3), maxTokens: 10 });
    expect(refused.status).to.equal(402);
    expect(refused.body.error).to.deep.include({ code: 'INSUFFICIENT_CREDITS' });
    expect(refused.body.error.details).to.deep.equal({ customerId, reason: 'no_credits' });
    expect(refused.body.error.message).to.match(/top up/);

    const topUp = await eventually(
      () => restClient(platform, 'payment')('POST', '/v1/top-ups', { customerId, packCode: topUpPack, currency: 'EUR' }),
      (answer) => answer.status !== 409,
      30_000,
      200,
    );
    expect(topUp.status, JSON.stringify(topUp.body)).to.equal(201);
    // Still blocked until the payment is made.
    expect((await complete(gateway, { customerId, prompt: words(3), maxTokens: 10 })).status).to.equal(402);
    await stripeClient(platform).paymentIntents.confirm(topUp.body.gatewayPaymentIntentId, { payment_method: 'pm_card_visa' });
    const delivered = await deliverWebhook(platform, 'payment_intent.succeeded', topUp.body.gatewayPaymentIntentId);
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);

    const unblocked = await eventually(() => complete(gateway, { customerId, prompt: words(3), maxTokens: 10 }), (answer) => answer.status !== 402, 30_000, 250);
    expect(unblocked.status, JSON.stringify(unblocked.body)).to.equal(200);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 500 - 9, held: 0 });
  });

  it('killed in the middle of calls, leaves no hold past its TTL and charges nothing twice', async () => {
    const customerId = await customerWithCredits('kill', 1_000);
    const ttlSeconds = 4;
    const slow = await startGateway({ MODEL_LATENCY_MS: '5000', HOLD_TTL_SECONDS: String(ttlSeconds) });
    const keys = Array.from({ length: 4 }, () => randomUUID());

    const inFlight = keys.map((key) => complete(slow, { customerId, prompt: words(10), maxTokens: 50 }, key).catch((error: Error) => error));
    const holding = await eventually(() => balanceOf(customerId), (balance) => balance.held === 200, 10_000, 50);
    expect(holding).to.deep.include({ balance: 1_000, held: 200 });
    slow.child.kill('SIGKILL');
    const outcomes = await Promise.all(inFlight);
    expect(outcomes.every((outcome) => outcome instanceof Error), 'no call was answered').to.equal(true);
    const killedAt = Date.now();

    const lapsed = await eventually(() => balanceOf(customerId), (balance) => balance.held === 0, (ttlSeconds + 10) * 1000, 100);
    expect(Date.now() - killedAt, 'held no longer than its TTL and a sweep').to.be.below((ttlSeconds + 3) * 1000);
    expect(lapsed).to.deep.include({ balance: 1_000, available: 1_000, held: 0 });

    // The same requests again (their Idempotency-Keys) on a healthy gateway: settled already, charged nothing.
    const gateway = await startGateway();
    const replays = await Promise.all(keys.map((key) => complete(gateway, { customerId, prompt: words(10), maxTokens: 50 }, key)));
    expect(replays.map((replay) => replay.status)).to.deep.equal([409, 409, 409, 409]);
    // A call that completes, repeated with its key: charged once.
    const key = randomUUID();
    const first = await complete(gateway, { customerId, prompt: words(10), maxTokens: 50 }, key);
    const again = await complete(gateway, { customerId, prompt: words(10), maxTokens: 50 }, key);
    expect([first.status, again.status]).to.deep.equal([200, 409]);

    expect(await balanceOf(customerId)).to.deep.include({ balance: 1_000 - 30, held: 0 });
    const ledger = await ledgerOf(customerId);
    const killed = [...new Set(ledger.filter((entry) => entry.type === 'hold').map((entry) => entry.reservationId))].filter((id) => id !== first.body.reservationId);
    expect(killed, 'one hold per killed call, none added by the replays').to.have.length(4);
    for (const reservationId of killed) {
      const entries = ledger.filter((entry) => entry.reservationId === reservationId);
      // The killed call's hold lapses at its TTL: one `expire` entry gives all of it back.
      expect(entries.map((entry) => [entry.type, entry.amount]), `ledger of ${reservationId}`).to.deep.equal([
        ['hold', 50],
        ['expire', 50],
      ]);
    }
    const captures = ledger.filter((entry) => entry.type === 'capture').map((entry) => [entry.reservationId, entry.amount]);
    expect(captures).to.deep.equal([[first.body.reservationId, 30]]);
  });
});
