import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding proto/ and schemas/: the nearest ancestor of this module that has both. Found, not counted,
 * because this code runs at two depths: from packages/platform/src under tsx (tests, tools) and bundled into
 * dist/services/<name>/service.mjs (service processes, the image).
 */
export function repositoryRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'proto')) && existsSync(join(directory, 'schemas'))) return directory;
    if (dirname(directory) === directory) throw new Error(`no directory with proto/ and schemas/ above ${start}`);
  }
}
