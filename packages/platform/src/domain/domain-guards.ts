import { InvalidIdentifierError, InvalidTimestampError } from './domain-error';

/** Ids from other services and gateways are opaque to a domain; it only insists they are present. */
export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidIdentifierError(field, value);
  return value;
}

export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidTimestampError(field, value);
  return value;
}

// Dates are mutable; copying at every boundary keeps callers from editing aggregate state by reference.
export const copyDate = (date: Date): Date => new Date(date.getTime());
export const copyOptionalDate = (date: Date | null): Date | null => (date === null ? null : copyDate(date));
