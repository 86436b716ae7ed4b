import type { SubscriptionApplicationErrorCode } from '../../application/application.errors';
import type { DomainErrorCode } from '../../domain/subscription.errors';

/**
 * Every domain and application code → HTTP status, once, centrally (the type makes a new code a compile error here).
 * FORBIDDEN is the platform's: 403 in every service.
 */
export const subscriptionErrorStatus: Record<Exclude<DomainErrorCode | SubscriptionApplicationErrorCode, 'FORBIDDEN'>, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_MONEY: 400,
  INVALID_PLAN: 400,
  PLAN_NOT_FOUND: 404,
  SUBSCRIPTION_NOT_FOUND: 404,
  CUSTOMER_NOT_FOUND: 404,
  PLAN_CODE_TAKEN: 409,
  PLAN_VERSION_CONFLICT: 409,
  CONCURRENT_MODIFICATION: 409,
  SUBSCRIPTION_ALREADY_CANCELED: 409,
  INVALID_TRANSITION: 409,
  PERIOD_NOT_DUE: 409,
  UPGRADE_PAYMENT_PENDING: 409,
  // Payment results only, never an HTTP request; listed because every code needs a status.
  UPGRADE_NOT_PENDING: 409,
  PAYMENT_AMOUNT_MISMATCH: 409,
  PLAN_NOT_ACTIVE: 422,
  PLAN_CURRENCY_MISMATCH: 422,
  PLAN_INTERVAL_MISMATCH: 422,
  CUSTOMER_CURRENCY_MISMATCH: 422,
  // Not the caller's fault: a stored row or the configuration is broken.
  INVALID_SUBSCRIPTION_STATE: 500,
  INVALID_DUNNING_POLICY: 500,
};
