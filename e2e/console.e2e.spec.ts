/**
 * The operator console in a real browser (Debian's Chromium, headless, driven by playwright-core) against the BFF
 * process and the four service processes: one platform, one browser, data seeded through the services' APIs.
 */
import { deliverWebhook } from './support/clients';
import { expect } from 'chai';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { type ConsoleBrowser, launchConsoleBrowser, operator, seriousAxeViolations, signIn, tabTo, unreachableByTab, viewer } from './support/console-harness';
import { LONG_LEDGER_ENTRIES, type SeededConsole, startSeededConsole } from './support/seeded-console';

describe('operator console (browser, against the platform processes)', function () {
  this.timeout(60_000);
  let seeded: SeededConsole;
  let browser: ConsoleBrowser;
  let context: BrowserContext;
  let page: Page;
  // Set when this spec starts, not when mocha loads the file (which is before every other spec of the run).
  let startedAt = 0;
  const axeResults: Record<string, number> = {};

  before(async function () {
    this.timeout(240_000);
    startedAt = Date.now();
    seeded = await startSeededConsole();
    browser = await launchConsoleBrowser(seeded.console.url);
    ({ context, page } = browser);
    console.log(`    setup ${JSON.stringify(seeded.timings)} ms; console js ${seeded.jsKb} KB gzipped`);
  });

  // A failed step must not leave its dialog over the page the next test uses.
  afterEach(async () => {
    if (page && (await page.locator('dialog[open]').count()) > 0) await page.keyboard.press('Escape');
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    if (seeded) console.log(`    logs: ${seeded.platform.logDir}`);
    await seeded?.stop();
    console.log(`    axe (serious + critical per page): ${JSON.stringify(axeResults)}; whole spec ${Date.now() - startedAt} ms`);
  });

  const customerHeading = (name: string) => page.getByRole('heading', { level: 1, name: new RegExp(name) });
  const balance = async () => Number((await page.getByTestId('balance').innerText()).replace(/[^\d-]/g, ''));
  const dialog = () => page.getByRole('dialog');
  /** Entries, not the one-cell row that says it is loading or empty. */
  const ledgerRows = () => page.getByTestId('ledger-table').locator('tbody tr:has(td:not([colspan]))');
  const isFocused = (locator: Locator) => () => locator.evaluate((element) => element === (globalThis as any).document.activeElement);

  async function expectNoSeriousAxeViolations(name: string) {
    const violations = await seriousAxeViolations(page);
    axeResults[name] = violations.length;
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
  }

  async function openCustomer(customer: { id: string; name: string }) {
    await page.goto(`/customers/${customer.id}`);
    await customerHeading(customer.name).waitFor();
    await ledgerRows().first().waitFor();
  }

  async function expectEventually(read: () => Promise<unknown>, expected: unknown, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 200));
      value = await read();
    }
    expect(value).to.deep.equal(expected);
  }

  it('signs the operator in by keyboard alone (the login page has no serious accessibility violation)', async () => {
    await page.goto('/customers');
    await page.waitForURL(/\/login/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectNoSeriousAxeViolations('login');
    expect(await unreachableByTab(page)).to.deep.equal([]);

    expect(await tabTo(page, isFocused(page.getByLabel('Name')))).to.equal(true);
    await page.keyboard.type(operator.name);
    await page.keyboard.press('Tab');
    await page.keyboard.type(operator.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await expectNoSeriousAxeViolations('customers');
  });

  it('finds the customer by search and opens their page (balance, chart, ledger)', async () => {
    const { ada } = seeded;
    await page.getByLabel(/Search/).fill('ada.');
    await page.getByLabel(/Search/).press('Enter');
    const table = page.getByRole('table', { name: 'Customers' });
    await table.getByRole('link', { name: ada.email }).waitFor();
    // Only Ada's address contains "ada." (Dana's has "ana.").
    expect(await table.getByRole('link', { name: /@example\.com/ }).allInnerTexts()).to.include(ada.email);
    expect(await unreachableByTab(page)).to.deep.equal([]);
    await table.getByRole('link', { name: ada.email }).click();
    await customerHeading(ada.name).waitFor();
    await ledgerRows().first().waitFor();
    await page.getByTestId('balance-chart').waitFor();
    expect(await balance()).to.equal((await seeded.seed.balanceOf(ada.id)).balance);
    await expectNoSeriousAxeViolations('customer');
    expect(await unreachableByTab(page, 250)).to.deep.equal([]);
  });

  it('grants credits from the keyboard: the dialog opens and confirms by Tab/Enter; balance, chart and ledger change', async () => {
    const { ada } = seeded;
    const before = await balance();
    const chartBefore = await page.getByTestId('balance-chart').screenshot();
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
    expect(await tabTo(page, isFocused(page.getByRole('button', { name: 'Grant credits' })), 150), 'Tab reaches "Grant credits"').to.equal(true);
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await expectNoSeriousAxeViolations('grant dialog');
    expect(await unreachableByTab(page)).to.deep.equal([]);
    // The focus stays in the dialog: Tab from anywhere reaches its Amount field.
    expect(await tabTo(page, isFocused(dialog().getByLabel(/Amount/)), 10)).to.equal(true);
    await page.keyboard.type('250');
    expect(await tabTo(page, isFocused(dialog().getByLabel(/Reason/)), 10)).to.equal(true);
    await page.keyboard.type('goodwill: outage on 3 December');
    expect(await tabTo(page, isFocused(dialog().getByRole('button', { name: 'Confirm' })), 10)).to.equal(true);
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached' });

    await expectEventually(balance, before + 250);
    expect((await seeded.seed.balanceOf(ada.id)).balance).to.equal(before + 250);
    const newest = ledgerRows().first();
    await expectEventually(async () => /goodwill: outage on 3 December/.test(await newest.innerText()), true);
    expect(await newest.innerText()).to.match(/grant/i).and.to.match(/250/);
    const grants = await seeded.seed.creditApi('GET', `/v1/accounts/${ada.id}/grants`);
    expect(grants.body.data[0]).to.deep.include({ amount: 250, reason: 'goodwill: outage on 3 December', grantedBy: `console:${operator.name}` });
    await expectEventually(async () => Buffer.compare(await page.getByTestId('balance-chart').screenshot(), chartBefore) !== 0, true);
  });

  it('a grant over the service maximum shows the service error next to the amount field and writes nothing', async () => {
    const { ada } = seeded;
    const before = await seeded.seed.balanceOf(ada.id);
    const grantsBefore = (await seeded.seed.creditApi('GET', `/v1/accounts/${ada.id}/grants`)).body.data.length;
    await page.getByRole('button', { name: 'Grant credits' }).click();
    await dialog().waitFor();
    const amountField = dialog().getByLabel(/Amount/);
    // Past the browser's checks (the field has no maximum), refused by the credit service's schema (1 to 1,000,000,000).
    await amountField.fill('2000000000');
    await dialog().getByRole('button', { name: 'Confirm' }).click();
    await expectEventually(async () => (await amountField.getAttribute('aria-invalid')) === 'true', true);
    expect(await describedBy(amountField)).to.match(/amount/i);
    expect(await amountField.evaluate((element) => element === (globalThis as any).document.activeElement)).to.equal(true);
    expect(await seeded.seed.balanceOf(ada.id)).to.deep.equal(before);
    expect((await seeded.seed.creditApi('GET', `/v1/accounts/${ada.id}/grants`)).body.data).to.have.length(grantsBefore);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  async function describedBy(field: Locator): Promise<string> {
    return field.evaluate((element) =>
      (element.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id: string) => (globalThis as any).document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
  }

  it('refunds the top-up: the clawback appears in the ledger', async () => {
    const { ada } = seeded;
    const before = (await seeded.seed.balanceOf(ada.id)).balance;
    const payments = page.getByRole('table', { name: /Payments/ });
    const row = payments.getByRole('row').filter({ has: page.getByRole('button', { name: 'Refund' }) }).filter({ hasText: '10.00' }).first();
    await row.getByRole('button', { name: 'Refund' }).click();
    await dialog().waitFor();
    await dialog().getByRole('button', { name: 'Confirm' }).click();
    await dialog().waitFor({ state: 'detached' });
    // Stripe refunded the charge and tells the payment service by webhook: the local server holds the event, the test
    // delivers it (deliverWebhook fails when there is none).
    expect((await deliverWebhook(seeded.platform, 'charge.refunded', ada.topUp.intentId)).status).to.equal(200);
    await expectEventually(async () => (await seeded.seed.paymentApi('GET', `/v1/payments/${ada.topUp.paymentId}`)).body.totalRefunded, ada.topUp.amount);
    const newestEntry = async () => (await seeded.seed.creditApi('GET', `/v1/accounts/${ada.id}/ledger?order=desc&limit=1`)).body.data[0];
    await expectEventually(async () => (await newestEntry()).type, 'revoke');
    const clawback = await newestEntry();
    expect(clawback.amount).to.be.greaterThan(0).and.at.most(ada.topUp.credits);
    await page.reload();
    await customerHeading(ada.name).waitFor();
    const newest = ledgerRows().first();
    await newest.waitFor();
    expect(await newest.innerText()).to.match(/revoke/i).and.to.include(`-${clawback.amount}`);
    expect(await balance()).to.equal(before - clawback.amount);
  });

  it('plans page lists the plans (no serious accessibility violation, every action reachable by Tab)', async () => {
    await page.goto('/plans');
    await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
    await page.getByText(seeded.plans.starter).first().waitFor();
    await expectNoSeriousAxeViolations('plans');
    expect(await unreachableByTab(page, 250)).to.deep.equal([]);
  });

  it('replays the dead-lettered top-up from the Operations page: the count drops and the credits arrive', async () => {
    const { dana, deadLetterTopic } = seeded;
    expect((await seeded.seed.balanceOf(dana.id)).balance, 'the dead-lettered grant is not applied yet').to.equal(0);
    await page.goto('/operations');
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: deadLetterTopic });
    await row.waitFor();
    await expectNoSeriousAxeViolations('operations');
    // Messages, not replayed: one each.
    expect((await row.getByRole('cell').allInnerTexts()).slice(0, 2)).to.deep.equal(['1', '1']);
    // The shared broker holds every earlier run's dead-letter topics too (a Peek and a Replay each, more with every
    // run): Tab from the top reaches the page's first controls, and within the row it goes from Peek to Replay.
    await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
    expect(await tabTo(page, isFocused(page.getByRole('link', { name: 'Operations' })), 12), 'Tab reaches the navigation').to.equal(true);
    await row.getByRole('button', { name: 'Peek' }).focus();
    await page.keyboard.press('Tab');
    expect(await isFocused(row.getByRole('button', { name: 'Replay' }))(), 'Tab goes from Peek to Replay').to.equal(true);
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await expectNoSeriousAxeViolations('replay dialog');
    await dialog().getByRole('button', { name: 'Confirm' }).press('Enter');
    await dialog().waitFor({ state: 'detached' });
    await page.getByText(/replayed 1|1 (message|event)s? replayed/i).first().waitFor();

    await expectEventually(async () => (await seeded.seed.balanceOf(dana.id)).balance, dana.topUp.credits, 20_000);
    const status: any = await page.evaluate(async () => (await fetch('/api/ops/status')).json());
    const topic = status.deadLetters.find((entry: { topic: string }) => entry.topic === deadLetterTopic);
    expect(topic).to.deep.include({ messages: 1, pending: 0 });
    await expectEventually(async () => (await row.getByRole('cell').allInnerTexts()).slice(0, 2), ['1', '0']);
    await openCustomer(dana);
    expect(await balance()).to.equal(dana.topUp.credits);
  });

  it(`renders a ${LONG_LEDGER_ENTRIES.toLocaleString('en')}-entry ledger usable within 1 s of its data arriving, with fewer than 200 rows in the DOM`, async () => {
    const { katherine } = seeded;
    // In the page from its first script: when ledger rows first appear, the next task after the next frame is when
    // the page can take input again (the render is done and painted).
    await context.addInitScript(() => {
      const root = globalThis as any;
      root.__ledgerUsableAt = undefined;
      const observer = new root.MutationObserver(() => {
        if (root.__ledgerUsableAt !== undefined || !root.document.querySelector('[data-testid="ledger-table"] tbody tr td:not([colspan])')) return;
        root.__ledgerUsableAt = null;
        root.requestAnimationFrame(() => root.setTimeout(() => (root.__ledgerUsableAt = root.performance.now()), 0));
      });
      root.document.addEventListener('DOMContentLoaded', () => observer.observe(root.document.body, { childList: true, subtree: true }));
    });
    await page.goto(`/customers/${katherine.id}`);
    await customerHeading(katherine.name).waitFor();
    await page.waitForFunction(() => typeof (globalThis as any).__ledgerUsableAt === 'number');
    const timing = await page.evaluate(() => {
      const root = globalThis as any;
      const ledger = root.performance.getEntriesByType('resource').filter((entry: any) => /\/ledger\b/.test(entry.name));
      return { responseEnd: ledger[0]?.responseEnd as number | undefined, usableAt: root.__ledgerUsableAt as number, requests: ledger.length };
    });
    expect(timing.responseEnd, 'the page fetched the ledger').to.be.a('number');
    const ms = Math.round(timing.usableAt - timing.responseEnd!);
    console.log(`    ledger of ${LONG_LEDGER_ENTRIES} entries: usable ${ms} ms after its response arrived`);
    expect(ms).to.be.lessThan(1_000);
    const rows = await page.getByTestId('ledger-table').locator('tbody tr').count();
    expect(rows).to.be.greaterThan(0).and.lessThan(200);
  });
  it('the viewer sees no write and the BFF refuses one sent anyway (403 ROLE_FORBIDDEN)', async () => {
    const { ada } = seeded;
    // The operator's session cookie goes; the viewer signs in in the same browser.
    await context.clearCookies();
    await signIn(page, viewer);
    await page.goto(`/customers/${ada.id}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(ada.name) }).waitFor();
    await ledgerRows().first().waitFor();
    for (const action of ['Grant credits', 'Revoke', 'Refund', 'Cancel subscription', 'Change plan']) {
      expect(await page.getByRole('button', { name: action }).count(), action).to.equal(0);
    }
    const before = (await seeded.seed.balanceOf(ada.id)).balance;
    const answer = await page.evaluate(async (customerId: string) => {
      const session: any = await (await fetch('/api/session')).json();
      const response = await fetch(`/api/services/credit/v1/accounts/${customerId}/grants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ amount: 1_000, source: { type: 'MANUAL', id: crypto.randomUUID() } }),
      });
      return { role: session.role, status: response.status, body: (await response.json()) as any };
    }, ada.id);
    expect(answer).to.deep.include({ role: 'viewer', status: 403 });
    expect(answer.body.error.code).to.equal('ROLE_FORBIDDEN');
    expect((await seeded.seed.balanceOf(ada.id)).balance).to.equal(before);

    await page.getByRole('link', { name: 'Plans' }).click();
    await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
    await page.getByText(seeded.plans.starter).first().waitFor();
    for (const action of ['Create plan', 'New version']) expect(await page.getByRole('button', { name: action }).count(), action).to.equal(0);
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('row').filter({ hasText: seeded.deadLetterTopic }).waitFor();
    expect(await page.getByRole('button', { name: 'Replay' }).count()).to.equal(0);
  });
});
