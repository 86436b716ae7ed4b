/**
 * Every rule the subscription domain refuses is a typed error with a stable machine `code`; the interface layer
 * maps codes to HTTP/gRPC status once, centrally, so the codes are a contract and must never be renamed.
 */
export type DomainErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_MONEY'
  | 'INVALID_PLAN'
  | 'INVALID_DUNNING_POLICY'
  | 'INVALID_SUBSCRIPTION_STATE'
  | 'INVALID_TRANSITION'
  | 'SUBSCRIPTION_ALREADY_CANCELED'
  | 'PLAN_NOT_ACTIVE'
  | 'PLAN_CURRENCY_MISMATCH'
  | 'PLAN_INTERVAL_MISMATCH'
  | 'PERIOD_NOT_DUE'
  | 'UPGRADE_PAYMENT_PENDING'
  | 'UPGRADE_NOT_PENDING'
  | 'PAYMENT_AMOUNT_MISMATCH';

export type ErrorDetails = Readonly<Record<string, unknown>>;

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A caller passed a value no domain rule could accept (non-integer period index, invalid Date, …). */
export class InvalidArgumentError extends DomainError {
  readonly code = 'INVALID_ARGUMENT' as const;
}

export class InvalidMoneyError extends DomainError {
  readonly code = 'INVALID_MONEY' as const;
}

export interface ValidationIssue {
  readonly field: string;
  readonly problem: string;
}

/** All problems at once, so an operator fixing a plan definition sees every field in one round trip. */
export class InvalidPlanError extends DomainError {
  readonly code = 'INVALID_PLAN' as const;

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`Invalid plan: ${issues.map((issue) => `${issue.field} ${issue.problem}`).join('; ')}`, { issues });
  }
}

export class InvalidDunningPolicyError extends DomainError {
  readonly code = 'INVALID_DUNNING_POLICY' as const;
}

/** A persisted row that breaks an invariant: refuse to load it rather than act on corrupt state. */
export class InvalidSubscriptionStateError extends DomainError {
  readonly code = 'INVALID_SUBSCRIPTION_STATE' as const;

  constructor(
    readonly subscriptionId: string,
    readonly issues: readonly string[],
  ) {
    super(`Subscription ${subscriptionId} has an invalid state: ${issues.join('; ')}`, { subscriptionId, issues });
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION' as const;

  constructor(
    readonly status: string,
    readonly trigger: string,
    reason: string,
    details: ErrorDetails = {},
  ) {
    super(`Cannot ${trigger} a subscription that is ${status}: ${reason}`, { status, trigger, reason, ...details });
  }
}

export class SubscriptionAlreadyCanceledError extends DomainError {
  readonly code = 'SUBSCRIPTION_ALREADY_CANCELED' as const;

  constructor(
    readonly subscriptionId: string,
    readonly status: string,
  ) {
    super(`Subscription ${subscriptionId} is already ${status}`, { subscriptionId, status });
  }
}

export class PlanNotActiveError extends DomainError {
  readonly code = 'PLAN_NOT_ACTIVE' as const;

  constructor(
    readonly planId: string,
    readonly version: number,
  ) {
    super(`Plan ${planId} version ${version} is not active`, { planId, version });
  }
}

export class PlanCurrencyMismatchError extends DomainError {
  readonly code = 'PLAN_CURRENCY_MISMATCH' as const;

  constructor(
    readonly subscriptionCurrency: string,
    readonly planCurrency: string,
  ) {
    super(`Plan is priced in ${planCurrency} but the subscription is billed in ${subscriptionCurrency}`, {
      subscriptionCurrency,
      planCurrency,
    });
  }
}

/** Period N is computed from one anchor and one interval; switching interval would need a new anchor. */
export class PlanIntervalMismatchError extends DomainError {
  readonly code = 'PLAN_INTERVAL_MISMATCH' as const;

  constructor(
    readonly subscriptionInterval: string,
    readonly planInterval: string,
  ) {
    super(`Plan is billed per ${planInterval} but the subscription per ${subscriptionInterval}`, {
      subscriptionInterval,
      planInterval,
    });
  }
}

/**
 * A payment result for a period whose charge the subscription never requested. Not a duplicate (those are no-ops):
 * it is ahead of the aggregate, so the consumer should retry it later or dead-letter it, never drop it.
 */
export class PeriodNotDueError extends DomainError {
  readonly code = 'PERIOD_NOT_DUE' as const;

  constructor(
    readonly subscriptionId: string,
    readonly periodIndex: number,
    readonly lastDuePeriodIndex: number,
  ) {
    super(
      `Subscription ${subscriptionId}: period ${periodIndex} is not due ` +
        `(last requested period is ${lastDuePeriodIndex})`,
      { subscriptionId, periodIndex, lastDuePeriodIndex },
    );
  }
}

/** An upgrade is waiting for its payment; another plan change waits until it succeeds or fails. */
export class UpgradePaymentPendingError extends DomainError {
  readonly code = 'UPGRADE_PAYMENT_PENDING' as const;

  constructor(subscriptionId: string, changeId: string) {
    super(`Subscription ${subscriptionId}: upgrade ${changeId} is waiting for its payment`, { subscriptionId, changeId });
  }
}

/**
 * Money arrived for an upgrade that is not waiting for it (it failed, lapsed at the period end, or is unknown): nothing
 * is applied, and the payment is kept as refused so it can be refunded.
 */
export class UpgradeNotPendingError extends DomainError {
  readonly code = 'UPGRADE_NOT_PENDING' as const;

  constructor(subscriptionId: string, changeId: string, status: string) {
    super(`Subscription ${subscriptionId}: upgrade ${changeId} is not waiting for a payment (${status})`, { subscriptionId, changeId, status });
  }
}

/** A payment succeeded with another amount (or currency) than the subscription asked for: nothing is granted. */
export class PaymentAmountMismatchError extends DomainError {
  readonly code = 'PAYMENT_AMOUNT_MISMATCH' as const;

  constructor(subscriptionId: string, periodIndex: number, asked: string, paid: string) {
    super(`Subscription ${subscriptionId}: period ${periodIndex} was paid ${paid}, ${asked} was asked`, { subscriptionId, periodIndex, asked, paid });
  }
}
