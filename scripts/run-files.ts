import { join } from 'node:path';
import { runDir } from '../infra/paths';

/** Written by a running `npm start`, removed when it stops: `{ token, services: { <name>: { http, grpc? } }, console: <url> }`. */
export const platformRunFile = join(runDir, 'platform.json');
