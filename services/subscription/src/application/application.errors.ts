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
  | 'INVALID_CURSOR'
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

/** A list cursor this service did not issue (or not for this list); the client starts again without one. */
export class InvalidCursorError extends ApplicationError {
  readonly code = 'INVALID_CURSOR' as const;

  constructor() {
    super('cursor is not one this list issued; pass back a nextCursor unchanged, or omit it for the first page');
  }
}

/** A customer-scoped caller asked for another customer's subscription. */
export class ForbiddenError extends ApplicationError {
  readonly code = 'FORBIDDEN' as const;

  constructor(subscriptionId: string) {
    super(`this token may not act on subscription ${subscriptionId}`, { subscriptionId });
  }
}
