/**
 * What a newcomer does, as the README says it: `npm start` on a machine where nothing runs yet (its own cache folder, so
 * a Kafka, a schema registry and an embedded PostgreSQL of its own, all empty, on free ports), then `npm run demo`, then
 * the README's "First ten minutes" block verbatim; Ctrl-C; `npm start` again with SERVICE_TOKENS set, and a top-up for
 * the customer registered before the restart. Only the ports of the infrastructure differ from a newcomer's machine
 * (the test's own infrastructure holds the defaults); the services listen on their documented ports.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { freePort } from '@billing/testkit';
import { cacheDir as sharedCacheDir, repoRoot } from '../infra/paths';
import { dataDirFor, postgresRunAs } from '../infra/postgres-cluster';
import { servicePorts } from '../scripts/service-ports';

interface NpmStart {
  readonly child: ChildProcess;
  output(): string;
}

/** A process as /proc shows it: its fields after the command's closing ')' (state, ppid, …, starttime at index 19). */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process by pid and start time: pids wrap at 32768 here, so a pid alone could name another process later. */
interface ProcessId {
  readonly pid: number;
  readonly startTime: string;
}

/** Everything `pid` started, by parent pid, detached daemons included (they stay its children while it runs). */
function processTree(pid: number): ProcessId[] {
  const children = new Map<number, ProcessId[]>();
  let root: ProcessId | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statOf(Number(entry));
    if (!fields) continue;
    const id = { pid: Number(entry), startTime: fields[19]! };
    if (id.pid === pid) root = id;
    const ppid = Number(fields[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), id]);
  }
  const tree = root ? [root] : [];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!.pid) ?? []));
  return tree;
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 120);
  } catch {
    return '(gone)';
  }
};

const alive = ({ pid, startTime }: ProcessId) => {
  const fields = statOf(pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[19] === startTime;
};

/** The fenced block after the README's first-ten-minutes marker, exactly as a reader copies it. */
function readmeBlock(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const marker = readme.indexOf('<!-- first-ten-minutes');
  expect(marker, 'the README marks its first-ten-minutes block').to.be.above(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(marker));
  expect(block, 'a ```sh block after the marker').to.not.equal(null);
  return block![1]!;
}

describe('the newcomer path: npm start on an empty machine, the demo, the README, Ctrl-C and a restart (E2E)', function () {
  this.timeout(600_000);
  let cache: string;
  let env: NodeJS.ProcessEnv;
  let running: NpmStart | undefined;
  let demoCustomer: string;
  /** Every process of each run as Ctrl-C found it: what the after hook kills if a run outlived its Ctrl-C. */
  const runTrees: ProcessId[][] = [];

  before(async () => {
    cache = mkdtempSync(join(tmpdir(), 'newcomer-'));
    // The downloaded jars only (a newcomer's first start fetches them; that is not what this test is about).
    for (const entry of existsSync(sharedCacheDir) ? readdirSync(sharedCacheDir) : []) {
      if (/^(kafka|apicurio)-\d/.test(entry)) symlinkSync(join(sharedCacheDir, entry), join(cache, entry));
    }
    env = { ...process.env, INFRA_CACHE_DIR: cache };
    for (const name of Object.keys(env)) if (/^(DATABASE_URL|KAFKA_BROKERS|SCHEMA_REGISTRY_URL|SERVICE_TOKENS|CUSTOMER_SERVICE_TOKEN|STRIPE_.*)$/.test(name)) delete env[name];
    // Free ports, but never one the services are about to listen on (the OS hands out ports from a range holding them).
    const servicePortNumbers = new Set(Object.values(servicePorts).flatMap(({ http, grpc }) => (grpc ? [http, grpc] : [http])));
    const infraPort = async (): Promise<string> => {
      for (;;) {
        const port = await freePort();
        if (!servicePortNumbers.has(port)) return String(port);
      }
    };
    for (const name of ['KAFKA_PORT', 'KAFKA_CONTROLLER_PORT', 'SCHEMA_REGISTRY_PORT', 'EMBEDDED_PG_PORT', 'STRIPE_LOCAL_PORT']) env[name] = await infraPort();
  });

  after(async function () {
    this.timeout(60_000);
    // A test that failed before or during its Ctrl-C leaves processes up: stop the run, then kill whatever outlives it.
    const tree = runTrees.flat();
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      tree.push(...processTree(running.child.pid!));
      process.kill(-running.child.pid!, 'SIGINT');
    }
    const deadline = Date.now() + 30_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { pid } of tree.filter(alive)) process.kill(pid, 'SIGKILL');
    // As root, the embedded PostgreSQL keeps the data of a private cache dir outside it (infra/postgres-cluster.ts).
    const dataDir = dataDirFor(cache, postgresRunAs());
    if (!dataDir.startsWith(cache)) rmSync(dirname(dataDir), { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  /** `npm start` as a terminal runs it: its own process group, which Ctrl-C signals as a whole. */
  async function npmStart(extraEnv: NodeJS.ProcessEnv = {}): Promise<NpmStart> {
    const child = spawn('npm', ['start'], { cwd: repoRoot, env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    running = { child, output: () => output };
    const deadline = Date.now() + 300_000;
    while (!/^platform ready in /m.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before it was ready:\n${output.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready within 300 s:\n${output.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return running;
  }

  /** Ctrl-C in the terminal: SIGINT to the group. Every process of the run, infrastructure included, ends within 15 s. */
  async function ctrlC(run: NpmStart): Promise<number> {
    const tree = processTree(run.child.pid!);
    runTrees.push(tree);
    expect(tree.length, 'npm, the start script, four services and the infrastructure').to.be.above(8);
    const sent = Date.now();
    process.kill(-run.child.pid!, 'SIGINT');
    while (tree.some(alive) && Date.now() - sent < 15_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const left = tree.filter(alive).map(({ pid }) => `${pid} ${commandOf(pid)}`);
    expect(left, `still running 15 s after Ctrl-C\n${run.output().slice(-2000)}`).to.deep.equal([]);
    return Date.now() - sent;
  }

  const run = (command: string, args: string[]) =>
    spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });

  it('npm start comes up on an empty registry, Kafka and database, and prints how to pay and the local Stripe key', async () => {
    const first = await npmStart();
    const output = first.output();
    for (const name of Object.keys(servicePorts)) expect(output).to.match(new RegExp(`^ready ${name} http://127\\.0\\.0\\.1:${servicePorts[name]!.http}/v1`, 'm'));
    expect(output).to.match(/^stripe +http:\/\/127\.0\.0\.1:\d+ +api key \S+/m);
    expect(output).to.match(/^service token \(SERVICE_TOKENS was unset\): Authorization: Bearer dev-/m);
    expect(output).to.contain('npm run stripe -- pay');
  });

  it('npm start runs the console and prints a development operator who can sign in and read through it', async () => {
    const output = running!.output();
    expect(output).to.match(/^ready console http:\/\/127\.0\.0\.1:3000$/m);
    const signIn = /^console sign-in \(CONSOLE_USERS was unset\): name (\S+) {2}password (\S+) {2}at http:\/\/127\.0\.0\.1:3000$/m.exec(output);
    expect(signIn, output.slice(-2000)).to.not.equal(null);
    const session = await fetch('http://127.0.0.1:3000/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: signIn![1], password: signIn![2] }),
    });
    expect(session.status).to.equal(200);
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const customers = await fetch('http://127.0.0.1:3000/api/services/customer/v1/customers?limit=1', { headers: { cookie } });
    expect(customers.status, await customers.clone().text()).to.equal(200);
    expect(await customers.json()).to.have.property('data');
  });

  it('npm run demo walks the whole money flow against it', () => {
    const demo = run('npm', ['run', 'demo']);
    expect(demo.status, `${demo.stdout}\n${demo.stderr}`).to.equal(0);
    expect(demo.stdout).to.contain('subscription').and.contain('active');
    const done = /^demo complete: customer (\S+)$/m.exec(demo.stdout);
    expect(done, demo.stdout).to.not.equal(null);
    demoCustomer = done![1]!;
  });

  it("the README's first-ten-minutes block runs as written", () => {
    const block = run('bash', ['-euo', 'pipefail', '-c', readmeBlock()]);
    expect(block.status, `${block.stdout}\n${block.stderr}`).to.equal(0);
    expect(block.stdout).to.contain('"balance":880');
    expect(block.stdout).to.match(/"type":"capture"[\s\S]*"type":"release"|"type":"release"[\s\S]*"type":"capture"/);
  });

  it('Ctrl-C stops every process of the run, infrastructure included, within 15 s', async () => {
    const took = await ctrlC(running!);
    running = undefined;
    expect(took).to.be.below(15_000);
  });

  it('npm start again with SERVICE_TOKENS set comes up, and a customer registered before the restart buys a top-up', async () => {
    const token = randomBytes(24).toString('hex');
    const second = await npmStart({ SERVICE_TOKENS: `ops:${token}` });
    expect(second.output()).to.contain('the services call each other with the first unscoped token of SERVICE_TOKENS');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const payment = `http://127.0.0.1:${servicePorts.payment!.http}`;
    const pack = await fetch(`${payment}/v1/top-up-packs`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `pack-${token.slice(0, 8)}` },
      body: JSON.stringify({ code: 'after-restart', credits: 200, prices: [{ amount: 500, currency: 'EUR' }] }),
    });
    expect(pack.status, await pack.clone().text()).to.equal(201);
    const topUp = await fetch(`${payment}/v1/top-ups`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `after-restart-${token.slice(0, 8)}` },
      body: JSON.stringify({ customerId: demoCustomer, packCode: 'after-restart', currency: 'EUR' }),
    });
    const body = (await topUp.json()) as { paymentId: string; checkoutUrl?: string };
    expect(topUp.status, JSON.stringify(body)).to.equal(201);
    expect(body.checkoutUrl).to.be.a('string');
    const before = await balanceOf(demoCustomer, headers);
    const paid = run('npm', ['run', 'stripe', '--', 'pay', body.paymentId]);
    expect(paid.status, `${paid.stdout}\n${paid.stderr}`).to.equal(0);
    expect(await balanceWhen(demoCustomer, headers, (balance) => balance === before + 200)).to.equal(before + 200);

    // Refunded in full from the CLI (as from the Stripe dashboard): the 200 credits, all unspent, are revoked.
    const refunded = run('npm', ['run', 'stripe', '--', 'refund', body.paymentId]);
    expect(refunded.status, `${refunded.stdout}\n${refunded.stderr}`).to.equal(0);
    expect(await balanceWhen(demoCustomer, headers, (balance) => balance === before)).to.equal(before);
    await ctrlC(second);
    running = undefined;
  });
});

async function balanceOf(customerId: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${servicePorts.credit!.http}/v1/accounts/${customerId}/balance`, { headers });
  return ((await response.json()) as { balance: number }).balance;
}

/** The balance once `done` holds, or the last one seen after 30 s (events travel through Kafka). */
async function balanceWhen(customerId: string, headers: Record<string, string>, done: (balance: number) => boolean): Promise<number> {
  const deadline = Date.now() + 30_000;
  let balance = await balanceOf(customerId, headers);
  while (!done(balance) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    balance = await balanceOf(customerId, headers);
  }
  return balance;
}
