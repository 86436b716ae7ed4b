/**
 * Bundles each service's composition root (services/<name>/src/main.ts; the console's console/server/main.ts) with
 * esbuild into dist/services/<name>/main.mjs,
 * with source maps: our workspace packages are compiled in, npm dependencies stay imports resolved from node_modules.
 * Service processes run these bundles, not TypeScript through tsx: tsx compiles in a loader thread with a V8 heap of
 * its own, ~10–20 MB RSS per process (docs/performance.md). `npm run build`; npm start, the E2E platform and the benchmarks
 * build before they spawn, so a process never runs a bundle older than the sources.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../infra/paths';
import { bundleOf, entryOf, servicePorts } from './service-ports';

/** Builds the bundles; each file is written beside its target and renamed over it, so a process never reads half of one. */
export async function buildServices(names: readonly string[] = Object.keys(servicePorts)): Promise<void> {
  const results = await Promise.all(
    names.map((name) =>
      build({
        absWorkingDir: repoRoot,
        entryPoints: [join(...entryOf(name).split('/'))],
        outfile: bundleOf(name),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: true,
        write: false,
        logLevel: 'warning',
        plugins: [
          {
            name: 'npm-dependencies-external',
            setup(builder) {
              builder.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@billing/') ? undefined : { path: args.path, external: true }));
            },
          },
        ],
      }),
    ),
  );
  for (const file of results.flatMap((result) => result.outputFiles)) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
}

if (process.argv[1] === import.meta.filename) {
  const started = performance.now();
  const names = process.argv.slice(2).length ? process.argv.slice(2) : [...Object.keys(servicePorts), 'console'];
  await buildServices(names);
  console.log(`built ${names.join(', ')} into dist/services in ${Math.round(performance.now() - started)} ms`);
}
