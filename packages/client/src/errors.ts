import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

/**
 * Every error the platform answers, as a class a caller can `instanceof`, carrying the service's machine-readable code
 * (the `error-code` trailer; the gRPC status name when a service sent none) and the gRPC status.
 */
export class BillingError extends Error {
  override readonly name: string = 'BillingError';

  constructor(
    readonly code: string,
    message: string,
    readonly grpcStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The account's available credits do not cover the amount (INSUFFICIENT_CREDITS). */
export class InsufficientCredits extends BillingError {
  override readonly name = 'InsufficientCredits';
}

/** The reservation's TTL passed before it was captured or released (RESERVATION_EXPIRED). */
export class ReservationExpired extends BillingError {
  override readonly name = 'ReservationExpired';
}

/** The reservation was already captured or released (RESERVATION_ALREADY_RESOLVED). */
export class ReservationAlreadyResolved extends BillingError {
  override readonly name = 'ReservationAlreadyResolved';
}

/** A capture of more than the reservation holds (CAPTURE_EXCEEDS_HOLD). */
export class CaptureExceedsHold extends BillingError {
  override readonly name = 'CaptureExceedsHold';
}

/** An idempotency key sent again with another request (IDEMPOTENCY_KEY_REUSED). */
export class IdempotencyKeyReused extends BillingError {
  override readonly name = 'IdempotencyKeyReused';
}

/** No such account, reservation or customer (ACCOUNT_NOT_FOUND, RESERVATION_NOT_FOUND, CUSTOMER_NOT_FOUND, …). */
export class NotFound extends BillingError {
  override readonly name = 'NotFound';
}

/** A token scoped to one customer used on another (FORBIDDEN; credit used to answer PERMISSION_DENIED). */
export class Forbidden extends BillingError {
  override readonly name = 'Forbidden';
}

/** The token is missing or unknown (UNAUTHENTICATED). */
export class Unauthenticated extends BillingError {
  override readonly name = 'Unauthenticated';
}

/** The request itself is wrong (INVALID_*): retrying it cannot help. */
export class InvalidRequest extends BillingError {
  override readonly name = 'InvalidRequest';
}

/** The service did not answer in time or could not be reached, on every attempt (UNAVAILABLE, DEADLINE_EXCEEDED). */
export class BillingUnavailable extends BillingError {
  override readonly name = 'BillingUnavailable';

  constructor(
    code: string,
    message: string,
    grpcStatus: number | undefined,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, grpcStatus, options);
  }
}

type BillingErrorClass = new (code: string, message: string, grpcStatus?: number, options?: { cause?: unknown }) => BillingError;

const byCode: Record<string, BillingErrorClass> = {
  INSUFFICIENT_CREDITS: InsufficientCredits,
  RESERVATION_EXPIRED: ReservationExpired,
  RESERVATION_ALREADY_RESOLVED: ReservationAlreadyResolved,
  CAPTURE_EXCEEDS_HOLD: CaptureExceedsHold,
  IDEMPOTENCY_KEY_REUSED: IdempotencyKeyReused,
  FORBIDDEN: Forbidden,
  PERMISSION_DENIED: Forbidden,
  UNAUTHENTICATED: Unauthenticated,
};

const byStatus: Partial<Record<number, BillingErrorClass>> = {
  [GrpcStatus.NOT_FOUND]: NotFound,
  [GrpcStatus.PERMISSION_DENIED]: Forbidden,
  [GrpcStatus.UNAUTHENTICATED]: Unauthenticated,
  [GrpcStatus.INVALID_ARGUMENT]: InvalidRequest,
  [GrpcStatus.ALREADY_EXISTS]: IdempotencyKeyReused,
};

export const isServiceError = (error: unknown): error is ServiceError =>
  error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata !== undefined;

/** The `error-code` trailer of a failed call, or the status name when the server sent none. */
export function errorCodeOf(error: ServiceError): string {
  const [code] = error.metadata.get('error-code');
  return typeof code === 'string' && code ? code : (GrpcStatus[error.code] ?? 'UNKNOWN');
}

/** A failed call as its typed error: by the service's code first, then by the gRPC status. */
export function billingErrorOf(error: ServiceError, method: string): BillingError {
  const code = errorCodeOf(error);
  const message = `${method}: ${error.details || code}`;
  const Class = byCode[code] ?? byStatus[error.code] ?? (code.startsWith('INVALID_') ? InvalidRequest : BillingError);
  return new Class(code, message, error.code, { cause: error });
}
