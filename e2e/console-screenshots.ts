/**
 * `npm run console:screenshots`: a platform with the console's demo data (e2e/support/seeded-console.ts), then a PNG
 * of every page in Debian's Chromium, written to docs/console/ (docs/console.md embeds them).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchConsoleBrowser, operator, signIn, type ConsoleBrowser } from './support/console-harness';
import { type SeededConsole, startSeededConsole } from './support/seeded-console';

const outDir = resolve(import.meta.dirname, '..', 'docs', 'console');

let seeded: SeededConsole | undefined;
let browser: ConsoleBrowser | undefined;
try {
  seeded = await startSeededConsole();
  browser = await launchConsoleBrowser(seeded.console.url);
  const { page } = browser;
  mkdirSync(outDir, { recursive: true });
  const shoot = async (name: string) => {
    // The chart draws after its data: let the page settle before the picture.
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
    console.log(`docs/console/${name}.png`);
  };
  const ledgerEntries = () => page.getByTestId('ledger-table').locator('tbody tr:has(td:not([colspan]))').first();

  await page.goto('/login');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await shoot('login');

  await signIn(page, operator);
  await page.getByRole('table', { name: 'Customers' }).getByRole('link').first().waitFor();
  await shoot('customers');

  await page.goto(`/customers/${seeded.ada.id}`);
  await ledgerEntries().waitFor();
  await page.getByTestId('balance-chart').waitFor();
  await shoot('customer');

  await page.getByRole('button', { name: 'Grant credits' }).click();
  await page.getByRole('dialog').getByLabel(/Amount/).fill('250');
  await page.getByRole('dialog').getByLabel(/Reason/).fill('Goodwill: outage on 3 December');
  await page.screenshot({ path: join(outDir, 'grant-dialog.png') });
  console.log('docs/console/grant-dialog.png');
  await page.keyboard.press('Escape');

  await page.goto(`/customers/${seeded.katherine.id}`);
  await ledgerEntries().waitFor();
  await shoot('customer-long-ledger');

  await page.goto('/plans');
  await page.getByText(seeded.plans.starter).first().waitFor();
  await shoot('plans');

  await page.goto('/operations');
  await page.getByRole('row').filter({ hasText: seeded.deadLetterTopic }).waitFor();
  await shoot('operations');
} finally {
  await browser?.close();
  await seeded?.stop();
}
