/**
 * The test command. From the repo root (`npm test`): type-check, then every spec; from a workspace
 * (`npm test -w services/credit`): that workspace's specs. Infrastructure comes from DATABASE_URL, KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL where set, else infra:up starts it (and leaves it running for the next run; `npm run
 * infra:down` stops it). Specs run tier by tier: unit, app, int, e2e.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Mocha from 'mocha';
import { exportInfrastructure } from '../infra/infra';
import { repoRoot } from '../infra/paths';

const tiers = ['unit', 'app', 'int', 'e2e'] as const;
const skippedDirs = new Set(['node_modules', '.cache', '.git', 'fixtures']);

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : specFiles(path);
    return entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const tierOf = (file: string) => tiers.findIndex((tier) => file.endsWith(`.${tier}.spec.ts`));

// The console's app is its own project: it is browser code (DOM, JSX), the rest is Node's.
const typecheckedProjects = [repoRoot, join(repoRoot, 'console/app')];

function typecheck(): void {
  console.log('type-checking (tsc --noEmit)');
  for (const project of typecheckedProjects) {
    const result = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project], {
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      console.log('typecheck: 0 passed, 1 failed');
      process.exit(1);
    }
  }
}

const scope = resolve(process.argv[2] ?? process.cwd());
const wholeRepo = scope === repoRoot;

await exportInfrastructure({ printSummary: true });

if (wholeRepo) typecheck();

const files = specFiles(scope).sort((a, b) => tierOf(a) - tierOf(b) || a.localeCompare(b));
const unknownTier = files.filter((file) => tierOf(file) < 0);
if (unknownTier.length) {
  console.error(`spec files must name their tier (${tiers.join(', ')}): ${unknownTier.map((file) => relative(repoRoot, file)).join(', ')}`);
  process.exit(1);
}

const mocha = new Mocha({ timeout: 20_000, reporter: 'spec', color: Boolean(process.stdout.isTTY) });
for (const file of files) mocha.addFile(file);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
  console.log(`\n${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  // Open Kafka or database handles in a failed test must not keep the run alive.
  process.exit(failures > 0 || passes === 0 ? 1 : 0);
});
