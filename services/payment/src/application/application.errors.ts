/**
 * Errors the payment use cases raise beyond the domain's own. Like DomainError they carry a stable `code` the
 * interface layer maps once, centrally; `retryable` says whether the same request may succeed later (a consumer
 * retries it with backoff, then dead-letters it; HTTP answers 503) or never will (a consumer dead-letters it at once).
 */
export abstract class ApplicationError extends Error {
  abstract readonly code: ApplicationErrorCode;
  abstract readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  protected constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/**
 * The customer has no gateway customer yet (PaymentGatewayLinked not seen locally, and the customer service did not
 * know one either). Retryable: the link usually lands moments later.
 */
export class CustomerNotLinkedError extends ApplicationError {
  readonly code = 'CUSTOMER_NOT_LINKED' as const;
  readonly retryable = true;
  constructor(customerId: string) {
    super(`customer ${customerId} has no payment gateway customer yet`, { customerId });
  }
}

export class PaymentNotFoundError extends ApplicationError {
  readonly code = 'PAYMENT_NOT_FOUND' as const;
  readonly retryable = false;
  constructor(paymentId: string) {
    super(`payment ${paymentId} not found`, { paymentId });
  }
}

/** The reference (top-up id, subscription period attempt) is already paid for with other terms: HTTP 422. */
export class PaymentReferenceConflictError extends ApplicationError {
  readonly code = 'PAYMENT_REFERENCE_CONFLICT' as const;
  readonly retryable = false;
  constructor(referenceKey: string, paymentId: string) {
    super(`${referenceKey} is already used by payment ${paymentId} with other terms`, { referenceKey, paymentId });
  }
}

/** The gateway's intent disagrees with the payment on amount or currency, even after re-reading it: never guess. */
export class GatewayIntentMismatchError extends ApplicationError {
  readonly code = 'GATEWAY_INTENT_MISMATCH' as const;
  readonly retryable = false;
  constructor(paymentId: string, intentId: string, expected: string, actual: string) {
    super(`intent ${intentId} of payment ${paymentId} is ${actual}, expected ${expected}`, { paymentId, intentId, expected, actual });
  }
}

/** The gateway could not be reached or answered 5xx / 429 / idempotent-request-in-progress. */
export class PaymentGatewayUnavailableError extends ApplicationError {
  readonly code = 'PAYMENT_GATEWAY_UNAVAILABLE' as const;
  readonly retryable = true;
  constructor(operation: string, cause?: unknown) {
    super(`payment gateway unavailable during ${operation}`, { operation });
    if (cause !== undefined) this.cause = cause;
  }
}

export class TopUpPackNotFoundError extends ApplicationError {
  readonly code = 'TOP_UP_PACK_NOT_FOUND' as const;
  readonly retryable = false;
  constructor(packCode: string) {
    super(`top-up pack ${packCode} not found`, { packCode });
  }
}

/** A deactivated customer buys nothing more. */
export class CustomerDeactivatedError extends ApplicationError {
  readonly code = 'CUSTOMER_DEACTIVATED' as const;
  readonly retryable = false;
  constructor(customerId: string) {
    super(`customer ${customerId} is deactivated`, { customerId });
  }
}

/** Only a succeeded payment with something left to refund can be refunded: HTTP 409. */
export class PaymentNotRefundableError extends ApplicationError {
  readonly code = 'PAYMENT_NOT_REFUNDABLE' as const;
  readonly retryable = false;
  constructor(paymentId: string, reason: 'not_succeeded' | 'fully_refunded', status: string) {
    super(`payment ${paymentId} cannot be refunded: ${reason === 'not_succeeded' ? `it is ${status}` : 'it is fully refunded'}`, { paymentId, reason, status });
  }
}

/** More than is still refundable, counting every refund already requested at the gateway: HTTP 422. */
export class RefundExceedsPaymentError extends ApplicationError {
  readonly code = 'REFUND_EXCEEDS_PAYMENT' as const;
  readonly retryable = false;
  constructor(paymentId: string, requested: number, refundable: number | null) {
    super(`payment ${paymentId}: a refund of ${requested} exceeds what is still refundable${refundable === null ? '' : ` (${refundable})`}`, { paymentId, field: 'amount', requested, refundable });
  }
}

/** Why a webhook delivery is refused before anything is read or written (HTTP 400; the gateway does not retry it). */
export type WebhookRefusalCode =
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE'
  | 'WEBHOOK_PAYLOAD_MISSING'
  | 'WEBHOOK_PAYLOAD_NOT_JSON'
  | 'INVALID_WEBHOOK_PAYLOAD';

/**
 * A webhook delivery that cannot be trusted (signature, timestamp) or read (not JSON, not an event of the gateway).
 * Never retryable: the same bytes are refused again.
 */
export class WebhookRefusedError extends ApplicationError {
  readonly retryable = false;
  constructor(
    readonly code: WebhookRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export type ApplicationErrorCode =
  | 'CUSTOMER_NOT_LINKED'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_REFERENCE_CONFLICT'
  | 'GATEWAY_INTENT_MISMATCH'
  | 'PAYMENT_GATEWAY_UNAVAILABLE'
  | 'TOP_UP_PACK_NOT_FOUND'
  | 'CUSTOMER_DEACTIVATED'
  | 'PAYMENT_NOT_REFUNDABLE'
  | 'REFUND_EXCEEDS_PAYMENT'
  | WebhookRefusalCode;
