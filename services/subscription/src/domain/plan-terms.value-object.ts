import type { BillingInterval } from './billing-interval.value-object';
import type { Money } from './money.value-object';

/** Which version of which plan: plans are versioned, so the id alone does not say what was sold. */
export interface PlanRef {
  readonly planId: string;
  readonly version: number;
}

/**
 * The commercial terms a subscription bills by, copied from one plan version when it is chosen. A later plan
 * version never rewrites them: the subscription keeps what the customer agreed to.
 */
export interface PlanTerms extends PlanRef {
  readonly price: Money;
  readonly interval: BillingInterval;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  /** The low-balance threshold (credits) credit gives an account that has none with its first credits; null: none. */
  readonly lowBalanceThreshold: number | null;
}

export function isSamePlanVersion(a: PlanRef, b: PlanRef): boolean {
  return a.planId === b.planId && a.version === b.version;
}

export function planRefOf(terms: PlanRef): PlanRef {
  return { planId: terms.planId, version: terms.version };
}

/**
 * An upgrade is a strictly higher price for the same interval (the caller has already refused other intervals
 * and currencies). Equal price counts as a downgrade: nothing is owed now, so it waits for the period end.
 */
export function isUpgrade(from: PlanTerms, to: PlanTerms): boolean {
  return from.interval === to.interval && to.price.isGreaterThan(from.price);
}
