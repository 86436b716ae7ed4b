/**
 * "The database cannot be reached right now" as opposed to "this request is wrong": a stopped, restarting or
 * unreachable PostgreSQL, or a pool that could not hand out a connection in time. The HTTP error handler answers these
 * 503 DATABASE_UNAVAILABLE and gRPC UNAVAILABLE, so a caller retries instead of reading a 500 (or, since node's
 * `ECONNREFUSED` looks like a domain code, a 422).
 */
export const databaseUnavailableCode = 'DATABASE_UNAVAILABLE';
export const databaseUnavailableMessage = 'the database is unavailable; retry later';

/**
 * SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now: what a stopping or
 * starting server answers) and 53300 (too many connections).
 */
const unavailableSqlState = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** Socket errors node-postgres throws as they are when it cannot connect or loses its connection. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres, pg-pool and knex/tarn say these in words only. */
const unavailableMessages = [
  /^Connection terminated/, // unexpectedly / due to connection timeout
  /^timeout expired$/, // node-postgres' connectionTimeoutMillis: the server accepted the socket but never answered
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Knex: Timeout acquiring a connection/,
];

/** MikroORM's wrapper for a lost connection (it copies the driver error's properties onto itself). */
const unavailableNames = new Set(['ConnectionException', 'KnexTimeoutError']);

interface ErrorShape {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return matches(error, 0, true);
}

function matches(error: unknown, depth: number, topLevel: boolean): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const { code, name, message, cause, errors } = error as ErrorShape;
  if (typeof name === 'string' && name.startsWith('KafkaJS')) return false;
  if (typeof code === 'string' && unavailableSqlState.test(code)) return true;
  // A socket code only counts on the error itself: fetch() wraps its ECONNREFUSED as the cause of a TypeError, and an
  // unreachable Stripe or registry is not the database.
  if (topLevel && typeof code === 'string' && socketCodes.has(code)) return true;
  if (typeof name === 'string' && unavailableNames.has(name)) return true;
  if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))) return true;
  // Node reports a refused connection to a host with several addresses as an AggregateError of the attempts.
  if (topLevel && Array.isArray(errors) && errors.length > 0 && errors.every((inner) => matches(inner, depth + 1, true))) return true;
  return matches(cause, depth + 1, false);
}
