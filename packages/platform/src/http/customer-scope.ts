import type { Principal } from './service-tokens';

/**
 * A token scoped to one customer asked for another customer's data, or for something only an all-customer token may
 * do. Every service answers it alike: REST 403 FORBIDDEN, gRPC PERMISSION_DENIED with `error-code: FORBIDDEN`
 * (http-server.ts and grpc-server.ts map it), checked before anything is read or written.
 */
export class ForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.details = details;
  }
}

export const FORBIDDEN_CODE = 'FORBIDDEN';

/** Throws ForbiddenError unless the principal may act for this customer (an unscoped token, or one scoped to it). */
export function assertCustomerScope(principal: Principal, customerId: string): void {
  if (principal.customerId !== undefined && principal.customerId !== customerId) {
    throw new ForbiddenError(`this token may not act for customer ${customerId}`, { customerId });
  }
}

/** Throws ForbiddenError for a customer-scoped token: what spans customers (lists, catalogues, registration). */
export function assertUnscoped(principal: Principal, what: string): void {
  if (principal.customerId !== undefined) throw new ForbiddenError(`a token scoped to one customer cannot ${what}`);
}
