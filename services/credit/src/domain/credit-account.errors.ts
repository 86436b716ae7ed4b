import { DomainError, InvalidIdentifierError, InvalidTimestampError, shown } from '@billing/platform/domain';

/**
 * Every rule the credit domain can refuse, as a typed error with a stable machine code. The interface layer maps
 * codes to HTTP / gRPC statuses once, centrally; messages are for humans and may change, codes may not.
 */
// The base class and the identifier and timestamp errors are the platform's domain kernel, shared with the other services.
export { DomainError, InvalidIdentifierError, InvalidTimestampError };

export class InvalidAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  constructor(field: string, value: unknown, max: number) {
    super(`${field} must be an integer from 1 to ${max}, got ${shown(value)}`, { field, value: shown(value), max });
  }
}

export class InvalidTtlError extends DomainError {
  readonly code = 'INVALID_TTL';
  constructor(ttlMs: unknown, minMs: number, maxMs: number) {
    super(`ttlMs must be an integer from ${minMs} to ${maxMs}, got ${shown(ttlMs)}`, { ttlMs: shown(ttlMs), minMs, maxMs });
  }
}

export class InvalidGrantSourceError extends DomainError {
  readonly code = 'INVALID_GRANT_SOURCE';
  constructor(reason: string) {
    super(`invalid grant source: ${reason}`, { reason });
  }
}

export class InvalidPriorityError extends DomainError {
  readonly code = 'INVALID_PRIORITY';
  constructor(value: unknown) {
    super(`priority must be a safe integer, got ${shown(value)}`, { value: shown(value) });
  }
}

export class InvalidDisputeStatusError extends DomainError {
  readonly code = 'INVALID_DISPUTE_STATUS';
  constructor(value: unknown) {
    super(`a closed dispute's status must be won, lost or warning_closed, got ${shown(value)}`, { value: shown(value) });
  }
}

export class InsufficientCreditsError extends DomainError {
  readonly code = 'INSUFFICIENT_CREDITS';
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(`cannot reserve ${requested} credits, ${available} available`, { requested, available });
  }
}

export class CaptureExceedsHoldError extends DomainError {
  readonly code = 'CAPTURE_EXCEEDS_HOLD';
  constructor(reservationId: string, requested: number, held: number) {
    super(`cannot capture ${requested} credits from reservation ${reservationId}, which holds ${held}`, {
      reservationId,
      requested,
      held,
    });
  }
}

export class RefundExceedsCapturedError extends DomainError {
  readonly code = 'REFUND_EXCEEDS_CAPTURED';
  constructor(reservationId: string, requested: number, refundable: number) {
    super(`cannot refund ${requested} credits of reservation ${reservationId}, ${refundable} refundable`, {
      reservationId,
      requested,
      refundable,
    });
  }
}

export class ReservationNotCapturedError extends DomainError {
  readonly code = 'RESERVATION_NOT_CAPTURED';
  constructor(reservationId: string, status: string) {
    super(`reservation ${reservationId} is ${status}; only a captured reservation can be refunded`, { reservationId, status });
  }
}

export class ReservationAlreadyResolvedError extends DomainError {
  readonly code = 'RESERVATION_ALREADY_RESOLVED';
  constructor(reservationId: string, status: string) {
    super(`reservation ${reservationId} is already ${status}`, { reservationId, status });
  }
}

/** The hold outlived its TTL: it can no longer be captured or released (its credits went back on their own). */
export class ReservationExpiredError extends DomainError {
  readonly code = 'RESERVATION_EXPIRED';
  constructor(reservationId: string, expiresAt: Date) {
    super(`reservation ${reservationId} expired at ${expiresAt.toISOString()}`, { reservationId, expiresAt: expiresAt.toISOString() });
  }
}

/** A key names one request: the same key with another request (amount, or capture vs release) is a caller bug. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor(what: string) {
    super(`idempotency key already ${what}`);
  }
}

export class AccountNotFoundError extends DomainError {
  readonly code = 'ACCOUNT_NOT_FOUND';
  constructor(customerId: string) {
    super(`no credit account for customer ${customerId}`);
  }
}

export class ReservationNotFoundError extends DomainError {
  readonly code = 'RESERVATION_NOT_FOUND';
  constructor(reservationId: string) {
    super(`reservation ${reservationId} not found`, { reservationId });
  }
}

export class ReservationAlreadyExistsError extends DomainError {
  readonly code = 'RESERVATION_ALREADY_EXISTS';
  constructor(reservationId: string) {
    super(`reservation ${reservationId} already exists`, { reservationId });
  }
}

export class GrantNotFoundError extends DomainError {
  readonly code = 'GRANT_NOT_FOUND';
  constructor(grantId: string) {
    super(`grant ${grantId} not found`, { grantId });
  }
}

/** A person revoking a grant twice: the first revocation already took what it could. */
export class GrantAlreadyRevokedError extends DomainError {
  readonly code = 'GRANT_ALREADY_REVOKED';
  constructor(grantId: string) {
    super(`grant ${grantId} is already revoked`, { grantId });
  }
}

/** Same grantId, different source: a caller bug, unlike a repeated source, which is an idempotent no-op. */
export class GrantAlreadyExistsError extends DomainError {
  readonly code = 'GRANT_ALREADY_EXISTS';
  constructor(grantId: string) {
    super(`grant ${grantId} already exists with another source`, { grantId });
  }
}

/** State that breaks the ledger rules: corrupt persistence or a domain bug, never a user mistake. */
export class InvariantViolationError extends DomainError {
  readonly code = 'INVARIANT_VIOLATION';
  constructor(readonly violations: readonly string[]) {
    super(`credit account invariants violated: ${violations.join('; ')}`, { violations: [...violations] });
  }
}

export type CreditDomainErrorCode =
  | InvalidAmountError['code']
  | InvalidTtlError['code']
  | InvalidIdentifierError['code']
  | InvalidGrantSourceError['code']
  | InvalidPriorityError['code']
  | InvalidTimestampError['code']
  | InvalidDisputeStatusError['code']
  | InsufficientCreditsError['code']
  | CaptureExceedsHoldError['code']
  | RefundExceedsCapturedError['code']
  | ReservationNotCapturedError['code']
  | ReservationAlreadyResolvedError['code']
  | ReservationExpiredError['code']
  | IdempotencyKeyReusedError['code']
  | ReservationNotFoundError['code']
  | ReservationAlreadyExistsError['code']
  | GrantNotFoundError['code']
  | AccountNotFoundError['code']
  | GrantAlreadyExistsError['code']
  | GrantAlreadyRevokedError['code']
  | InvariantViolationError['code'];
