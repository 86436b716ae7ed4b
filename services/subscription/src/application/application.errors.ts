/**
 * Refusals of the use cases themselves (lookups, the customer projection, concurrency), with stable machine codes
 * like the domain's; the interface maps both to HTTP status in one table.
 */
export type SubscriptionApplicationErrorCode =
  | 'PLAN_NOT_FOUND'
  | 'PLAN_CODE_TAKEN'
  | 'PLAN_VERSION_CONFLICT'
  | 'SUBSCRIPTION_NOT_FOUND'
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_CURRENCY_MISMATCH'
  | 'CONCURRENT_MODIFICATION'
  | 'FORBIDDEN';

export abstract class ApplicationError extends Error {
  abstract readonly code: SubscriptionApplicationErrorCode;

  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class PlanNotFoundError extends ApplicationError {
  readonly code = 'PLAN_NOT_FOUND' as const;

  constructor(code: string, version?: number) {
    super(version === undefined ? `No plan ${code}` : `No plan ${code} version ${version}`, {
      plan: code,
      ...(version === undefined ? {} : { version }),
    });
  }
}

export class SubscriptionNotFoundError extends ApplicationError {
  readonly code = 'SUBSCRIPTION_NOT_FOUND' as const;

  constructor(subscriptionId: string) {
    super(`No subscription ${subscriptionId}`, { subscriptionId });
  }
}

/** The customer is unknown to this service's projection of billing.customer.v1 (unknown, or not yet projected). */
export class CustomerNotFoundError extends ApplicationError {
  readonly code = 'CUSTOMER_NOT_FOUND' as const;

  constructor(customerId: string) {
    super(`No customer ${customerId}`, { customerId });
  }
}

export class CustomerCurrencyMismatchError extends ApplicationError {
  readonly code = 'CUSTOMER_CURRENCY_MISMATCH' as const;

  constructor(customerId: string, customerCurrency: string, planCurrency: string) {
    super(`Customer ${customerId} is billed in ${customerCurrency} but the plan is priced in ${planCurrency}`, {
      customerId,
      customerCurrency,
      planCurrency,
    });
  }
}

/**
 * A customer-scoped caller asked for another customer's subscription. The code is the platform's (REST 403 FORBIDDEN
 * for every service), so the error-status table leaves it to the platform.
 */
export class ForbiddenError extends ApplicationError {
  readonly code = 'FORBIDDEN' as const;

  constructor(subscriptionId: string) {
    super(`this token may not act on subscription ${subscriptionId}`, { subscriptionId });
  }
}
