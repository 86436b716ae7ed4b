/**
 * The operator console on top of a platform from ./platform: the app built with Vite, the BFF as its own process (as
 * `npm start` runs it) with an operator and a viewer, and Debian's Chromium driven by playwright-core (no downloaded
 * browser). Shared by the console E2E spec and `npm run console:screenshots`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@billing/testkit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { consoleUserEntry, hashPassword } from '../../console/server/users';
import type { Platform } from './platform';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

export interface ConsoleUserLogin {
  name: string;
  password: string;
}

export const operator: ConsoleUserLogin = { name: 'alice', password: 'alice-console-password' };
export const viewer: ConsoleUserLogin = { name: 'victor', password: 'victor-console-password' };

/** `npm run build -w @billing/console`; returns the gzipped JS size it reports (KB). */
export async function buildConsoleApp(): Promise<number> {
  const { stdout } = await run('npm', ['run', '-s', 'build', '-w', '@billing/console'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const size = /console js ([\d.]+) KB gzipped/.exec(stdout);
  if (!size) throw new Error(`the console build did not report its size:\n${stdout}`);
  return Number(size[1]);
}

export interface ConsoleServer {
  url: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** The BFF process against the platform's services, with the operator and the viewer; resolves when it answers. */
export async function startConsoleServer(platform: Platform): Promise<ConsoleServer> {
  const users = [
    consoleUserEntry(operator.name, 'operator', await hashPassword(operator.password)),
    consoleUserEntry(viewer.name, 'viewer', await hashPassword(viewer.password)),
  ].join(',');
  const port = await freePort();
  const logFile = join(platform.logDir, 'console.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/server/main.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      CONSOLE_PORT: String(port),
      CONSOLE_HOST: '127.0.0.1',
      CONSOLE_USERS: users,
      CONSOLE_SERVICE_TOKEN: platform.token,
      CUSTOMER_URL: platform.services.customer.httpUrl,
      CREDIT_URL: platform.services.credit.httpUrl,
      SUBSCRIPTION_URL: platform.services.subscription.httpUrl,
      PAYMENT_URL: platform.services.payment.httpUrl,
      KAFKA_BROKERS: platform.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: platform.infra.schemaRegistryUrl,
      LOG_LEVEL: 'info',
    },
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(killer);
        done();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    const answered = await fetch(`${url}/api/session`).then((response) => response.status === 401, () => false);
    if (answered) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the console did not answer in time:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { url, child, logFile, stop };
}

export interface ConsoleBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export const chromiumPath = '/usr/bin/chromium';

/** Debian's Chromium, headless, with a fresh profile directory (removed on close); its pages resolve paths against `baseUrl`. */
export async function launchConsoleBrowser(baseUrl: string): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  const close = async () => {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      baseURL: baseUrl,
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // A missing element fails the test in seconds, not after Playwright's default 30 s.
    context.setDefaultTimeout(10_000);
    return { context, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function signIn(page: Page, user: ConsoleUserLogin): Promise<void> {
  await page.goto('/login');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the functions below run in the page, typed without the DOM library */

let axeScript: string | undefined;
const axeSource = () => (axeScript ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** axe-core in the page; the violations of impact serious or critical. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated rather than added as a <script> tag: the console's Content-Security-Policy (script-src 'self') rightly
  // blocks an inline script, and bypassing the CSP would hide violations the app itself causes.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource());
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run();
    return result.violations.map(({ id, impact, help, nodes }: any) => ({ id, impact, help, nodes: nodes.map((node: any) => ({ target: node.target })) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Presses Tab until isTarget() says the focus is where it should be; false if it never is within `limit` presses. */
export async function tabTo(page: Page, isTarget: () => Promise<boolean>, limit = 80): Promise<boolean> {
  for (let press = 0; press < limit; press += 1) {
    await page.keyboard.press('Tab');
    if (await isTarget()) return true;
  }
  return false;
}

/**
 * Every enabled, visible button, link and form control the Tab key does not reach from the top of the page (a full
 * cycle of Tab presses, until the first control comes round again), by its text; with a modal dialog open, only the
 * dialog's (the rest of the page is inert).
 */
export async function unreachableByTab(page: Page, limit = 150): Promise<string[]> {
  await page.evaluate(() => {
    const { document } = globalThis as any;
    document.activeElement?.blur();
    for (const element of document.querySelectorAll('[data-tab-reached]')) element.removeAttribute('data-tab-reached');
    (globalThis as any).__tabPrevious = undefined;
  });
  for (let press = 0; press < limit; press += 1) {
    await page.keyboard.press('Tab');
    // A date input keeps the focus over several Tab presses (one per part): only the first control coming back ends the cycle.
    const cycled = await page.evaluate(() => {
      const root = globalThis as any;
      const active = root.document.activeElement;
      const previous = root.__tabPrevious;
      root.__tabPrevious = active;
      if (!active || active === root.document.body || active === previous) return false;
      if (active.getAttribute('data-tab-reached') === 'first') return true;
      if (!active.hasAttribute('data-tab-reached')) active.setAttribute('data-tab-reached', root.document.querySelector('[data-tab-reached]') ? '' : 'first');
      return false;
    });
    if (cycled) break;
  }
  return page.evaluate(() => {
    const { document } = globalThis as any;
    const scope = document.querySelector('dialog[open]') ?? document;
    return [...scope.querySelectorAll('button, a[href], input, select, textarea, summary')]
      .filter((element: any) => !element.disabled && element.getClientRects().length > 0 && element.type !== 'hidden')
      .filter((element: any) => !element.hasAttribute('data-tab-reached'))
      .map((element: any) => `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') || element.textContent || element.name || element.id).trim()}"`);
  });
}
