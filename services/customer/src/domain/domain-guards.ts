import { InvalidTimestampError } from './customer.errors';

export function requireDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidTimestampError(field, value);
  return value;
}

// Dates are mutable; copying at every boundary keeps callers from editing aggregate state by reference.
export const copyDate = (date: Date): Date => new Date(date.getTime());
