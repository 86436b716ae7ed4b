import { InvalidIdentifierError, InvalidTimestampError } from './payment.errors';

/** Ids from the gateway and other services are opaque; the domain only insists they are present. */
export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidIdentifierError(field, value);
  return value;
}

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

export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidTimestampError(field, value);
  return value;
}

// Dates are mutable; copying at every boundary keeps callers from editing aggregate state by reference.
export const copyDate = (date: Date): Date => new Date(date.getTime());
export const copyOptionalDate = (date: Date | null): Date | null => (date === null ? null : copyDate(date));
