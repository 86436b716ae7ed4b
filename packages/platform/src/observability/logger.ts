import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (or `destination`: tests read what a run logged); secrets never logged, whatever object a caller passes. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    redact: { paths: ['*.authorization', '*.token', '*.secret', '*.webhookSecret', '*.apiKey', '*.password'], censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * pino's error serializer without `client`: pg-pool hangs the whole pg Client (its buffers, prepared statements and
 * parameters) on an error of an idle connection, which made one "connection lost" line several kilobytes.
 */
function serializeError(error: Error): ReturnType<typeof pino.stdSerializers.err> {
  const serialized = pino.stdSerializers.err(error);
  if (serialized && typeof serialized === 'object' && 'client' in serialized) delete (serialized as { client?: unknown }).client;
  return serialized;
}

/** For tests: a logger that writes nothing. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
