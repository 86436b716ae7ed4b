import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const infraDir = join(repoRoot, 'infra');
export const cacheDir = resolve(process.env.INFRA_CACHE_DIR ?? join(repoRoot, '.cache'));
export const runDir = join(cacheDir, 'run');
export const logDir = join(cacheDir, 'logs');

export function ensureDirs(): void {
  for (const dir of [cacheDir, runDir, logDir]) mkdirSync(dir, { recursive: true });
}
