/** `npm run -s token`: the service token of the running `npm start` (the one it made, or the first unscoped one of SERVICE_TOKENS). */
import { existsSync, readFileSync } from 'node:fs';
import { platformRunFile } from './run-files';

if (!existsSync(platformRunFile)) {
  console.error(`no running platform: ${platformRunFile} is written by \`npm start\` once every service is ready`);
  process.exit(1);
}
console.log((JSON.parse(readFileSync(platformRunFile, 'utf8')) as { token: string }).token);
