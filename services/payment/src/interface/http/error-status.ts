/**
 * Domain, application and adapter error codes → HTTP status, in one place. Unlisted INVALID_* codes are 400 and the
 * rest 422 (the platform's default).
 */
export const paymentErrorStatus: Record<string, number> = {
  PAYMENT_NOT_FOUND: 404,
  PAYMENT_REFERENCE_CONFLICT: 422,
  CUSTOMER_NOT_LINKED: 409,
  PAYMENT_ALREADY_EXISTS: 409,
  PAYMENT_CONCURRENT_UPDATE: 409,
  PAYMENT_GATEWAY_UNAVAILABLE: 503,
  CUSTOMER_DIRECTORY_UNAVAILABLE: 503,
  PAYMENT_GATEWAY_REJECTED: 502,
  GATEWAY_INTENT_MISMATCH: 502,
  INVARIANT_VIOLATION: 500,
};
