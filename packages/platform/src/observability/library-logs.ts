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
      // An error *answer* from a broker ("Response CreateTopics …: Topic creation errors", "coordinator is loading", "does
      // not host this topic-partition": routine while a fresh broker or several services start) is handed to the
      // caller, which retries it or fails and says so itself; as an error line here it only alarms whoever reads the log.
      if (level === logLevel.ERROR && namespace === 'Connection' && message.startsWith('Response ')) kafka.debug(fields, message);
      else if (level === logLevel.ERROR) kafka.error(fields, message);
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
