import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (or `destination`: tests read what a run logged); secrets never logged, whatever object a caller passes. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    redact: { paths: ['*.authorization', '*.token', '*.secret', '*.webhookSecret', '*.apiKey', '*.password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** For tests: a logger that writes nothing. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
