import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets never logged, whatever object a caller passes. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: ['*.authorization', '*.token', '*.secret', '*.webhookSecret', '*.apiKey', '*.password'], censor: '[redacted]' },
  });
}

/** For tests: a logger that writes nothing. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
