import { type CustomerDomainErrorCode, DomainError, shown } from '../domain/customer.errors';
import type { PaymentGatewayUnavailableError } from './ports/payment-gateway.port';

// Errors of the use cases themselves (paging, batching), typed like domain errors so the interface maps them the same way.

export class InvalidLimitError extends DomainError {
  readonly code = 'INVALID_LIMIT';
  constructor(field: string, value: unknown, max: number) {
    super(`${field} must be an integer from 1 to ${max}, got ${shown(value)}`, { field, value: shown(value), max });
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor(value: unknown) {
    super(`cursor ${shown(value)} is not one this service issued`, { value: shown(value) });
  }
}

export class CursorWithFilterError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor() {
    super('cursor cannot be combined with externalAccountId (that page holds one customer at most)');
  }
}

/** A search text that is empty or longer than the maximum (REST's schema refuses it first). */
export class InvalidSearchQueryError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(max: number) {
    super(`query must be 1 to ${max} characters`, { field: 'query' });
  }
}

/** An integer 1..max; undefined / null give the default. */
export function limitOrDefault(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) throw new InvalidLimitError(field, value, max);
  return value;
}

/** Every code a customer use case can throw, domain codes included. */
export type CustomerErrorCode =
  | CustomerDomainErrorCode
  | InvalidLimitError['code']
  | InvalidCursorError['code']
  | CursorWithFilterError['code']
  | InvalidSearchQueryError['code']
  | PaymentGatewayUnavailableError['code'];
