import { status } from '@grpc/grpc-js';

/**
 * Error code → status, once for each transport. Codes not listed: INVALID_* → 400 / INVALID_ARGUMENT, others 422 /
 * FAILED_PRECONDITION. FORBIDDEN (a scoped token on another customer) is the platform's: 403 / PERMISSION_DENIED.
 */
export const httpErrorStatus: Record<string, number> = {
  ACCOUNT_NOT_FOUND: 404,
  RESERVATION_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  INSUFFICIENT_CREDITS: 409,
  GRANT_ALREADY_REVOKED: 409,
  RESERVATION_ALREADY_RESOLVED: 409,
  RESERVATION_EXPIRED: 409,
  CAPTURE_EXCEEDS_HOLD: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  INVARIANT_VIOLATION: 500,
};

export const grpcErrorStatus: Record<string, status> = {
  ACCOUNT_NOT_FOUND: status.NOT_FOUND,
  RESERVATION_NOT_FOUND: status.NOT_FOUND,
  GRANT_NOT_FOUND: status.NOT_FOUND,
  // A key names one request: reusing it for another is a conflict with what the key already did (proto: Reserve, Capture, Release, SetLowBalanceThreshold).
  IDEMPOTENCY_KEY_REUSED: status.ALREADY_EXISTS,
  INSUFFICIENT_CREDITS: status.FAILED_PRECONDITION,
  RESERVATION_ALREADY_RESOLVED: status.FAILED_PRECONDITION,
  RESERVATION_EXPIRED: status.FAILED_PRECONDITION,
  CAPTURE_EXCEEDS_HOLD: status.FAILED_PRECONDITION,
  INVARIANT_VIOLATION: status.INTERNAL,
};
