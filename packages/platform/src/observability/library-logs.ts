import { inspect } from 'node:util';
import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from './logger';

/**
 * kafkajs logs through the service's logger: one JSON stream on stdout, at the service's level, with its redaction,
 * rather than kafkajs's own console lines on stderr.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafka = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ownTimestamp, ...details } = log;
      const fields = { namespace, ...details };
      if (level === logLevel.ERROR) kafka.error(fields, message);
      else if (level === logLevel.WARN) kafka.warn(fields, message);
      else if (level === logLevel.INFO) kafka.info(fields, message);
      else kafka.debug(fields, message);
    };
}

/** knex's warnings and errors (pool and connection trouble) through the service's logger, not console. */
export function knexLog(logger: Logger): Record<'warn' | 'error' | 'deprecate' | 'debug', (message: unknown) => void> {
  const knex = logger.child({ component: 'knex' });
  const at =
    (level: 'warn' | 'error' | 'debug') =>
    (message: unknown): void => {
      if (message instanceof Error) knex[level]({ err: message }, message.message);
      else knex[level](typeof message === 'string' ? message : inspect(message));
    };
  return { warn: at('warn'), error: at('error'), deprecate: at('warn'), debug: at('debug') };
}
