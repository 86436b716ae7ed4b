import { InvalidIdentifierError } from '@billing/platform/domain';

// The guards every domain shares live in the platform's domain kernel; payment adds its uuid and gateway-id checks.
export { copyDate, copyOptionalDate, requireDate, requireId } from '@billing/platform/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Our own ids are uuids (the database column is `uuid`); stored lower-case. */
export function requireUuid(value: unknown, field: string): string {
  if (!isUuid(value)) throw new InvalidIdentifierError(field, value, 'a uuid');
  return value.toLowerCase();
}

/** Gateway ids carry a type prefix (pi_, ch_, re_, dp_); a wrong prefix means the caller mixed up objects. */
export function requirePrefixedId(value: unknown, field: string, prefix: string): string {
  if (typeof value !== 'string' || !value.startsWith(prefix) || value.length === prefix.length) {
    throw new InvalidIdentifierError(field, value, `an id starting with ${prefix}`);
  }
  return value;
}
