import { DomainError, InvalidIdentifierError, InvalidTimestampError, shown } from '@billing/platform/domain';

/**
 * Every rule the payment domain refuses, as a typed error with a stable machine code. The interface layer maps codes
 * to HTTP / gRPC statuses once, centrally; messages are for humans and may change, codes may not.
 */
// The base class and the identifier and timestamp errors are the platform's domain kernel, shared with the other services.
export { DomainError, InvalidIdentifierError, InvalidTimestampError };

export class InvalidAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT' as const;
  constructor(field: string, value: unknown, max: number) {
    super(`${field} must be an integer from 1 to ${max}, got ${shown(value)}`, { field, value: shown(value), max });
  }
}

export class InvalidCurrencyError extends DomainError {
  readonly code = 'INVALID_CURRENCY' as const;
  constructor(value: unknown, supported: readonly string[]) {
    super(`currency ${shown(value)} is not supported`, { value: shown(value), supported: [...supported] });
  }
}

export class InvalidReferenceError extends DomainError {
  readonly code = 'INVALID_REFERENCE' as const;
  constructor(reason: string) {
    super(`invalid payment reference: ${reason}`, { reason });
  }
}

/** A status name the gateway mapping does not know: a new Stripe status must be mapped deliberately. */
export class InvalidStatusError extends DomainError {
  readonly code = 'INVALID_STATUS' as const;
  constructor(field: string, value: unknown) {
    super(`${field} ${shown(value)} is not a known status`, { field, value: shown(value) });
  }
}

export class RefundExceedsAmountError extends DomainError {
  readonly code = 'REFUND_EXCEEDS_AMOUNT' as const;
  constructor(paymentId: string, requested: number, refundable: number) {
    super(`cannot refund ${requested} of payment ${paymentId}, ${refundable} refundable`, { paymentId, requested, refundable });
  }
}

/** The same refund id seen again with another amount: the gateway's refunds do not change amount, so this is a bug. */
export class RefundConflictError extends DomainError {
  readonly code = 'REFUND_CONFLICT' as const;
  constructor(paymentId: string, refundId: string, recorded: number, requested: number) {
    super(`refund ${refundId} of payment ${paymentId} was recorded as ${recorded}, now seen as ${requested}`, {
      paymentId,
      refundId,
      recorded,
      requested,
    });
  }
}

export class DisputeExceedsAmountError extends DomainError {
  readonly code = 'DISPUTE_EXCEEDS_AMOUNT' as const;
  constructor(paymentId: string, disputeId: string, disputed: number, amount: number) {
    super(`dispute ${disputeId} of ${disputed} exceeds payment ${paymentId} of ${amount}`, { paymentId, disputeId, disputed, amount });
  }
}

/** Refunds and disputes only exist for money that was taken. */
export class PaymentNotSucceededError extends DomainError {
  readonly code = 'PAYMENT_NOT_SUCCEEDED' as const;
  constructor(paymentId: string, status: string, action: string) {
    super(`payment ${paymentId} is ${status}; cannot ${action} before it succeeded`, { paymentId, status, action });
  }
}

export class PaymentNotRetryableError extends DomainError {
  readonly code = 'PAYMENT_NOT_RETRYABLE' as const;
  constructor(paymentId: string, reason: string) {
    super(`payment ${paymentId} cannot be retried on the same intent: ${reason}`, { paymentId, reason });
  }
}

export class IntentNotAttachedError extends DomainError {
  readonly code = 'INTENT_NOT_ATTACHED' as const;
  constructor(paymentId: string) {
    super(`payment ${paymentId} has no payment intent yet`, { paymentId });
  }
}

export class IntentAlreadyAttachedError extends DomainError {
  readonly code = 'INTENT_ALREADY_ATTACHED' as const;
  constructor(paymentId: string, attached: string, offered: string) {
    super(`payment ${paymentId} is bound to intent ${attached}, not ${offered}`, { paymentId, attached, offered });
  }
}

/**
 * Thrown by PaymentRepository.add when the paymentId, reference key or intent id is already stored (a unique
 * violation): a concurrent creator won; reload by reference.
 */
export class PaymentAlreadyExistsError extends DomainError {
  readonly code = 'PAYMENT_ALREADY_EXISTS' as const;
  constructor(paymentId: string, referenceKey: string) {
    super(`a payment with id ${paymentId} or reference ${referenceKey} already exists`, { paymentId, referenceKey });
  }
}

/** State that breaks the payment rules: corrupt persistence or a domain bug, never a user mistake. */
export class InvariantViolationError extends DomainError {
  readonly code = 'INVARIANT_VIOLATION' as const;
  constructor(readonly violations: readonly string[]) {
    super(`payment invariants violated: ${violations.join('; ')}`, { violations: [...violations] });
  }
}

/** A top-up pack field that breaks the catalogue's rules (code format, credits, prices). */
export class InvalidTopUpPackError extends DomainError {
  readonly code = 'INVALID_TOP_UP_PACK' as const;
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`invalid top-up pack: ${reason}`, { reason, ...details });
  }
}

export class TopUpPackNotActiveError extends DomainError {
  readonly code = 'TOP_UP_PACK_NOT_ACTIVE' as const;
  constructor(packCode: string) {
    super(`top-up pack ${packCode} is no longer sold`, { packCode });
  }
}

export class TopUpPackNotPricedError extends DomainError {
  readonly code = 'TOP_UP_PACK_NOT_PRICED' as const;
  constructor(packCode: string, currency: string, priced: readonly string[]) {
    super(`top-up pack ${packCode} has no price in ${currency}`, { packCode, currency, priced: [...priced] });
  }
}

/** Prices belong to the platform: a top-up request that names what it pays (or what it gets for it) is refused. */
export class PriceNotAcceptedError extends DomainError {
  readonly code = 'PRICE_NOT_ACCEPTED' as const;
  constructor(fields: readonly string[]) {
    super(`the platform prices top-ups; do not send ${fields.join(', ')}: name a pack (packCode) and a currency`, { fields: [...fields] });
  }
}

export type PaymentDomainErrorCode =
  | 'INVALID_AMOUNT'
  | 'INVALID_CURRENCY'
  | 'INVALID_IDENTIFIER'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_REFERENCE'
  | 'INVALID_STATUS'
  | 'REFUND_EXCEEDS_AMOUNT'
  | 'REFUND_CONFLICT'
  | 'DISPUTE_EXCEEDS_AMOUNT'
  | 'PAYMENT_NOT_SUCCEEDED'
  | 'PAYMENT_NOT_RETRYABLE'
  | 'INTENT_NOT_ATTACHED'
  | 'INTENT_ALREADY_ATTACHED'
  | 'PAYMENT_ALREADY_EXISTS'
  | 'INVARIANT_VIOLATION'
  | 'INVALID_TOP_UP_PACK'
  | 'TOP_UP_PACK_NOT_ACTIVE'
  | 'TOP_UP_PACK_NOT_PRICED'
  | 'PRICE_NOT_ACCEPTED';
