import { createLogger } from '../observability/logger';
import { IncompatibleSchemaError } from '../messaging/schema-registration';

/** What a person can do about the usual reasons a service does not start. */
function hintFor(error: unknown): string | undefined {
  if (error instanceof IncompatibleSchemaError) {
    return 'the registry holds a schema this version cannot evolve BACKWARD-compatibly: see `npm run schemas -- check`';
  }
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
    return 'is PostgreSQL at DATABASE_URL running and reachable? (`npm run infra:up` starts one)';
  }
  return undefined;
}

/**
 * The body of a composition root (main.ts). A start that fails ends the process with one fatal log line saying what
 * failed and what to do, instead of the stack trace a rejected top-level await prints; so does a promise that rejects
 * later without a handler (a bug: the process must not run on in an unknown state).
 */
export async function runServiceProcess(service: string, start: () => Promise<unknown>): Promise<void> {
  const logger = createLogger(service);
  const fail = (what: string) => (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error, hint: hintFor(error) }, `${service} ${what}: ${message}`);
    process.exit(1);
  };
  process.on('unhandledRejection', fail('stopped on an unhandled rejection'));
  await start().catch(fail('could not start'));
}
