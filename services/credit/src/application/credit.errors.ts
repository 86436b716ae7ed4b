import { DomainError } from '../domain/credit-account.errors';

export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
  }
}

/** Turns a refused outcome into its error, so handlers return the result or throw the domain's typed error. */
export function unwrap<T>(outcome: { ok: true; result: unknown } | { ok: false; error: DomainError }): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.result as T;
}

const idPattern = /^[A-Za-z0-9._:@-]{1,128}$/;
export function requireCustomerId(customerId: unknown): string {
  if (typeof customerId !== 'string' || !idPattern.test(customerId)) throw new InvalidRequestError('customerId must be 1..128 characters of [A-Za-z0-9._:@-]');
  return customerId;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function requireUuid(value: unknown, name: string): string {
  if (typeof value !== 'string' || !uuidPattern.test(value)) throw new InvalidRequestError(`${name} must be a UUID`);
  return value.toLowerCase();
}

export function requireIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) throw new InvalidRequestError('an idempotency key of 1..255 printable ASCII characters is required');
  return key;
}
