/**
 * The base of every domain and application error in every service: a stable machine `code` (the interface layer maps
 * it to an HTTP / gRPC status once, centrally), a message for humans that may change, and structured `details`.
 * Pure: the domain layers import this module and nothing else of the platform.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly code: Code;
  readonly details: Readonly<Record<string, unknown>>;

  protected constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** JSON.stringify keeps strings unambiguous ("" vs missing); String() keeps undefined, NaN, Infinity and null readable. */
export const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

export class InvalidIdentifierError extends DomainError<'INVALID_IDENTIFIER'> {
  readonly code = 'INVALID_IDENTIFIER' as const;
  constructor(field: string, value: unknown, expected = 'a non-empty string') {
    super(`${field} must be ${expected}, got ${shown(value)}`, { field, value: shown(value), expected });
  }
}

export class InvalidTimestampError extends DomainError<'INVALID_TIMESTAMP'> {
  readonly code = 'INVALID_TIMESTAMP' as const;
  constructor(field: string, value: unknown) {
    super(`${field} must be a valid Date, got ${shown(value)}`, { field, value: shown(value) });
  }
}
