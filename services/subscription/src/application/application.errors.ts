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
  | 'CONCURRENT_MODIFICATION';

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

export class PlanCodeTakenError extends ApplicationError {
  readonly code = 'PLAN_CODE_TAKEN' as const;

  constructor(planCode: string) {
    super(`A plan with code ${planCode} exists already; add a version to it instead`, { plan: planCode });
  }
}

/** Two UpdatePlans raced for the same next version; the loser may retry on the new latest version. */
export class PlanVersionConflictError extends ApplicationError {
  readonly code = 'PLAN_VERSION_CONFLICT' as const;

  constructor(planCode: string, version: number) {
    super(`Plan ${planCode} version ${version} was created concurrently`, { plan: planCode, version });
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

/** The row changed between load and save (optimistic version); the caller retries on fresh state. */
export class ConcurrentModificationError extends ApplicationError {
  readonly code = 'CONCURRENT_MODIFICATION' as const;

  constructor(aggregate: string, id: string) {
    super(`${aggregate} ${id} was changed concurrently; retry`, { aggregate, id });
  }
}
