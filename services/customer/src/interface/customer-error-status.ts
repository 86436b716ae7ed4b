import * as grpc from '@grpc/grpc-js';
import type { CustomerErrorCode } from '../application/application.errors';

// Error codes → transport statuses, once for the whole service. Unlisted INVALID_* are 400 / INVALID_ARGUMENT.

/** HTTP status per code; the platform maps its own codes (IDEMPOTENCY_*, FORBIDDEN, INVALID_CURSOR…) itself. */
export const httpErrorStatus: Partial<Record<CustomerErrorCode, number>> & Record<string, number> = {
  CUSTOMER_NOT_FOUND: 404,
  DUPLICATE_EXTERNAL_ACCOUNT_ID: 409,
  CUSTOMER_ALREADY_DEACTIVATED: 409,
  CONCURRENT_MODIFICATION: 409,
  GATEWAY_ALREADY_LINKED: 409,
  GATEWAY_CUSTOMER_ID_IN_USE: 409,
  CUSTOMER_DEACTIVATED: 422,
  PAYMENT_GATEWAY_UNAVAILABLE: 503,
  INVARIANT_VIOLATION: 500,
};

export const grpcErrorStatus: Partial<Record<CustomerErrorCode, grpc.status>> & Record<string, grpc.status> = {
  CUSTOMER_NOT_FOUND: grpc.status.NOT_FOUND,
  INVARIANT_VIOLATION: grpc.status.INTERNAL,
  PAYMENT_GATEWAY_UNAVAILABLE: grpc.status.UNAVAILABLE,
};
