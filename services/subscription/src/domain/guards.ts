import { InvalidArgumentError } from './subscription.errors';

/** Time enters the domain as an argument; an Invalid Date would silently poison every comparison. */
export function assertValidDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(`${name} must be a valid Date`, { argument: name });
  }
}

export function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(value)}`, {
      argument: name,
      value,
    });
  }
}

export function assertNonEmpty(value: string, name: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(`${name} must be a non-empty string`, { argument: name });
  }
}
