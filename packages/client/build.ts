/**
 * Builds the package as `npm pack` ships it: dist/index.js, one ESM bundle of src/ with the platform code it reuses
 * compiled in (so an install outside this repository needs no @billing/platform) and npm dependencies left as imports;
 * type declarations in dist/types; a copy of the repository's proto/, which the client loads at run time.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(packageDir, '..', '..');
const dist = join(packageDir, 'dist');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const dependencies = Object.keys(manifest.dependencies);

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: packageDir,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'declared-dependencies-external',
      setup(builder) {
        // Only what package.json declares stays an import: anything else would be missing where the tarball is installed.
        builder.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0]!;
          if (dependencies.includes(name)) return { path: args.path, external: true };
          return { errors: [{ text: `${args.path} is not a dependency of @billing/client: declare it or bundle it from the platform by path` }] };
        });
      },
    },
  ],
});

const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Node's ESM resolution (moduleResolution node16/nodenext in a consumer) wants the extension on relative imports. */
function addJsExtensions(directory: string): void {
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) addJsExtensions(path);
    else if (path.endsWith('.d.ts')) writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)(?<!\.js)\2/g, '$1$2$3.js$2'));
  }
}
addJsExtensions(join(dist, 'types'));

rmSync(join(packageDir, 'proto'), { recursive: true, force: true });
cpSync(join(repoRoot, 'proto'), join(packageDir, 'proto'), { recursive: true });
