/**
 * `npm run bench -- <name>`: runs bench/<name>.bench.ts against the infrastructure (started as for npm test).
 * Benchmarks print ratios against a raw baseline measured in the same run; they are not part of `npm test`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportInfrastructure } from '../infra/infra';

const benchDir = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>; available: ${available.join(', ')}`);
  process.exit(2);
}
await exportInfrastructure({ printSummary: false });
const bench = (await import(`./${name}.bench.ts`)) as { run(): Promise<void> };
await bench.run();
process.exit(0);
