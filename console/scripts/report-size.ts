/**
 * Prints the total gzipped size of the app's emitted JavaScript (`console js <n> KB gzipped`) and fails the build at
 * the budget: an operator's browser downloads all of it before the first page shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const outDir = new URL('../dist/app', import.meta.url).pathname;

const jsFiles = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
const gzippedBytes = jsFiles.reduce((total, file) => total + gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length, 0);
const kb = Math.round((gzippedBytes / 1024) * 10) / 10;

console.log(`console js ${kb} KB gzipped`);
if (kb >= BUDGET_KB) {
  console.error(`over the budget of ${BUDGET_KB} KB gzipped`);
  process.exit(1);
}
