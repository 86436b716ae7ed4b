import { isBillingInterval, type BillingInterval } from './billing-interval.value-object';
import { isSupportedCurrency, Money } from './money.value-object';
import type { PlanRef, PlanTerms } from './plan-terms.value-object';
import { InvalidPlanError, type ValidationIssue } from './subscription.errors';

export const MAX_TRIAL_DAYS = 365;
/** Credit's largest credit amount: a threshold above it would be refused when the account adopts it. */
export const MAX_LOW_BALANCE_THRESHOLD = 1_000_000_000;

/** A plan version as stored; also the raw input shape, hence `string` for the values we validate. */
export interface PlanProps {
  readonly planId: string;
  readonly code: string;
  readonly version: number;
  readonly name: string;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly interval: string;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly trialDays: number;
  readonly active: boolean;
  readonly lowBalanceThreshold: number | null;
}

/** A new plan's input; a plan without a low-balance threshold gives its subscribers none. */
export type NewPlan = Omit<PlanProps, 'version' | 'active' | 'lowBalanceThreshold'> & { readonly lowBalanceThreshold?: number | null };

/** What UpdatePlan may change; the identity (planId, code) never changes across versions. */
export type PlanRevision = Partial<
  Pick<PlanProps, 'name' | 'price' | 'interval' | 'creditsPerPeriod' | 'creditRollover' | 'trialDays' | 'lowBalanceThreshold'>
>;

/**
 * One immutable version of a catalogue plan. Updating a plan creates the next version instead of editing this
 * one, so subscriptions that reference a version keep its price and credits.
 */
export class Plan {
  readonly planId: string;
  readonly code: string;
  readonly version: number;
  readonly name: string;
  readonly price: Money;
  readonly interval: BillingInterval;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly trialDays: number;
  readonly active: boolean;
  readonly lowBalanceThreshold: number | null;

  private constructor(props: PlanProps) {
    validatePlan(props);
    this.planId = props.planId;
    this.code = props.code;
    this.version = props.version;
    this.name = props.name;
    this.price = Money.of(props.price.amount, props.price.currency);
    this.interval = props.interval as BillingInterval;
    this.creditsPerPeriod = props.creditsPerPeriod;
    this.creditRollover = props.creditRollover;
    this.trialDays = props.trialDays;
    this.active = props.active;
    this.lowBalanceThreshold = props.lowBalanceThreshold;
  }

  static create(plan: NewPlan): Plan {
    return new Plan({ ...plan, lowBalanceThreshold: plan.lowBalanceThreshold ?? null, version: 1, active: true });
  }

  /** Validates again: a stored row is input too. */
  static reconstitute(props: PlanProps): Plan {
    return new Plan(props);
  }

  /** UpdatePlan: the next version, active. Making this version the latest is the repository's unique check. */
  revise(changes: PlanRevision): Plan {
    return new Plan({ ...this.toProps(), ...changes, version: this.version + 1, active: true });
  }

  /** Stops new subscriptions to this version; existing ones keep billing by their snapshot. */
  deactivate(): Plan {
    return new Plan({ ...this.toProps(), active: false });
  }

  ref(): PlanRef {
    return { planId: this.planId, version: this.version };
  }

  terms(): PlanTerms {
    return {
      planId: this.planId,
      version: this.version,
      price: this.price,
      interval: this.interval,
      creditsPerPeriod: this.creditsPerPeriod,
      creditRollover: this.creditRollover,
      lowBalanceThreshold: this.lowBalanceThreshold,
    };
  }

  toProps(): PlanProps {
    return {
      planId: this.planId,
      code: this.code,
      version: this.version,
      name: this.name,
      price: { amount: this.price.amount, currency: this.price.currency },
      interval: this.interval,
      creditsPerPeriod: this.creditsPerPeriod,
      creditRollover: this.creditRollover,
      trialDays: this.trialDays,
      active: this.active,
      lowBalanceThreshold: this.lowBalanceThreshold,
    };
  }
}

const PLAN_CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Collects every issue instead of stopping at the first. */
function validatePlan(props: PlanProps): void {
  const issues: ValidationIssue[] = [];
  const problem = (field: string, text: string): void => {
    issues.push({ field, problem: text });
  };

  if (typeof props.planId !== 'string' || props.planId.trim() === '') problem('planId', 'must be a non-empty string');
  if (typeof props.code !== 'string' || !PLAN_CODE.test(props.code)) {
    problem('code', 'must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit');
  }
  if (!Number.isSafeInteger(props.version) || props.version < 1) problem('version', 'must be a positive integer');
  if (typeof props.name !== 'string' || props.name.trim() === '') problem('name', 'must be a non-empty string');

  const amount = props.price?.amount;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    problem('price.amount', 'must be a positive integer of minor units');
  }
  if (!isSupportedCurrency(props.price?.currency)) {
    problem('price.currency', `must be one of the supported ISO 4217 codes, got ${String(props.price?.currency)}`);
  }
  if (!isBillingInterval(props.interval)) {
    problem('interval', `must be day, month or year, got ${String(props.interval)}`);
  }
  if (!Number.isSafeInteger(props.creditsPerPeriod) || props.creditsPerPeriod < 0) {
    problem('creditsPerPeriod', 'must be a non-negative integer');
  }
  if (typeof props.creditRollover !== 'boolean') problem('creditRollover', 'must be a boolean');
  if (!Number.isSafeInteger(props.trialDays) || props.trialDays < 0 || props.trialDays > MAX_TRIAL_DAYS) {
    problem('trialDays', `must be an integer from 0 to ${MAX_TRIAL_DAYS}`);
  }
  if (typeof props.active !== 'boolean') problem('active', 'must be a boolean');
  const threshold = props.lowBalanceThreshold;
  if (threshold !== null && !(Number.isSafeInteger(threshold) && threshold >= 1 && threshold <= MAX_LOW_BALANCE_THRESHOLD)) {
    problem('lowBalanceThreshold', `must be null or an integer from 1 to ${MAX_LOW_BALANCE_THRESHOLD}`);
  }

  if (issues.length > 0) throw new InvalidPlanError(issues);
}
