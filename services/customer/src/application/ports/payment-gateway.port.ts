import { DomainError } from '../../domain/customer.errors';
import type { PaymentGatewayName } from '../../domain/payment-gateway-link.value-object';

export interface CreateGatewayCustomerRequest {
  /**
   * Our customer id. The same key must always yield the same gateway customer, whatever else the request carries
   * (the email may have changed between a lost response and its retry) and however late the retry comes. Stripe's
   * own idempotency keys expire after 24 h and refuse a changed body, so the adapter must not rely on them alone:
   * e.g. look the customer up by metadata.customerId before creating one.
   */
  readonly idempotencyKey: string;
  readonly email: string;
  readonly name: string | null;
  /** Stored on the gateway customer, so it can be traced back (and found again) from the gateway side. */
  readonly metadata: { readonly customerId: string; readonly externalAccountId: string };
}

export interface CreatedGatewayCustomer {
  readonly gatewayCustomerId: string;
}

/** The customer side of a payment gateway. Implemented in infrastructure (Stripe); faked in application tests. */
export interface PaymentGateway {
  /** Which gateway this is; links are recorded under this name. */
  readonly name: PaymentGatewayName;
  /**
   * Creates the gateway customer for `idempotencyKey`, or returns the one already created for it. Throws
   * PaymentGatewayUnavailableError when the outcome is unknown or the gateway cannot answer now (network error,
   * timeout, 5xx, rate limit, a concurrent request with the same key): retrying later with the same key is safe.
   * Anything else it throws is a permanent refusal that a retry will not fix.
   */
  createCustomer(request: CreateGatewayCustomerRequest): Promise<CreatedGatewayCustomer>;
}

/** Transient: the gateway could not be reached or did not answer in time. The same request may be retried later. */
export class PaymentGatewayUnavailableError extends DomainError {
  readonly code = 'PAYMENT_GATEWAY_UNAVAILABLE';
  constructor(gateway: PaymentGatewayName, reason: string, cause?: unknown) {
    super(`${gateway} is unavailable: ${reason}`, { gateway, reason }, cause === undefined ? undefined : { cause });
  }
}
