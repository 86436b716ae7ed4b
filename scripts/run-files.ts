import { join } from 'node:path';
import { runDir } from '../infra/paths';

/**
 * Written by a running `npm start`, removed when it stops: `{ token, services: { <name>: { http, grpc? } }, console:
 * <url>, consoleOperator?: { name, password } }` (the development operator, when CONSOLE_USERS was unset).
 */
export const platformRunFile = join(runDir, 'platform.json');
