/**
 * Givens for the subscription specs: each builds the state through real commands (so a given can never be a
 * state the aggregate could not reach) and drains the events, leaving the `when` step's events alone.
 */
import { expect } from 'chai';
import { DunningPolicy } from './dunning-policy';
import { Plan, type NewPlan } from './plan.entity';
import { Subscription } from './subscription.aggregate';
import { DomainError, type DomainErrorCode } from './subscription.errors';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const at = (iso: string): Date => new Date(iso);
export const plus = (date: Date, ms: number): Date => new Date(date.getTime() + ms);

export const CREATED_AT = at('2025-01-31T09:00:00.000Z');
/** Period 1 of a monthly plan paid now is [Jan 31 09:05, Feb 28 09:05). */
export const PAID_AT = at('2025-01-31T09:05:00.000Z');
export const PERIOD_1_END = at('2025-02-28T09:05:00.000Z');
export const PERIOD_2_END = at('2025-03-31T09:05:00.000Z');
export const TRIAL_DAYS = 14;
export const TRIAL_ENDS_AT = plus(CREATED_AT, TRIAL_DAYS * DAY_MS);

export const dunning = DunningPolicy.of([1, 3, 5]);

export function aPlan(overrides: Partial<NewPlan> = {}): Plan {
  return Plan.create({
    planId: 'plan-pro',
    code: 'pro',
    name: 'Pro',
    price: { amount: 2_900, currency: 'EUR' },
    interval: 'month',
    creditsPerPeriod: 1_000,
    creditRollover: false,
    trialDays: 0,
    ...overrides,
  });
}

export const aTrialPlan = (): Plan => aPlan({ planId: 'plan-trial', code: 'trial', trialDays: TRIAL_DAYS });
export const aHigherPlan = (): Plan =>
  aPlan({ planId: 'plan-max', code: 'max', price: { amount: 9_900, currency: 'EUR' }, creditsPerPeriod: 5_000 });
export const aLowerPlan = (): Plan =>
  aPlan({
    planId: 'plan-lite',
    code: 'lite',
    price: { amount: 900, currency: 'EUR' },
    creditsPerPeriod: 200,
    creditRollover: true,
  });

function drained(subscription: Subscription): Subscription {
  subscription.pullEvents();
  return subscription;
}

export const given = {
  incomplete(plan: Plan = aPlan()): Subscription {
    return drained(Subscription.create({ subscriptionId: 'sub-1', customerId: 'cus-1', plan, now: CREATED_AT }));
  },
  trialing(plan: Plan = aTrialPlan()): Subscription {
    return given.incomplete(plan);
  },
  /** Trial over, period 1 requested (RenewalDue recorded), not yet paid. */
  trialEnded(plan: Plan = aTrialPlan()): Subscription {
    const subscription = given.trialing(plan);
    subscription.markRenewalDue(TRIAL_ENDS_AT);
    return drained(subscription);
  },
  /** Period 1 paid at PAID_AT. */
  active(plan: Plan = aPlan()): Subscription {
    const subscription = given.incomplete(plan);
    subscription.recordPaymentSucceeded(1, PAID_AT);
    return drained(subscription);
  },
  /** Period 1 ended, period 2 requested, not yet paid. */
  renewalDue(plan: Plan = aPlan()): Subscription {
    const subscription = given.active(plan);
    subscription.markRenewalDue(PERIOD_1_END);
    return drained(subscription);
  },
  /** Attempt 1 for period 2 failed at PERIOD_1_END; attempt 2 due a day later. */
  pastDue(plan: Plan = aPlan()): Subscription {
    const subscription = given.renewalDue(plan);
    subscription.recordPaymentFailed(2, 1, PERIOD_1_END, dunning);
    return drained(subscription);
  },
  canceled(): Subscription {
    const subscription = given.active();
    subscription.cancel('now', plus(PAID_AT, DAY_MS));
    return drained(subscription);
  },
  expired(): Subscription {
    const subscription = given.incomplete();
    subscription.expireIfUnpaid(plus(CREATED_AT, 23 * HOUR_MS));
    return drained(subscription);
  },
};

/** A refused command throws the typed error and leaves state and events untouched. */
export function expectRefused(subscription: Subscription, command: () => unknown, code: DomainErrorCode): void {
  const before = subscription.toState();
  let caught: unknown;
  try {
    command();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(DomainError);
  expect((caught as DomainError).code).to.equal(code);
  expect(subscription.toState()).to.deep.equal(before);
  expect(subscription.pullEvents()).to.deep.equal([]);
}

/** A no-op command reports false (or null/'unchanged') and changes nothing. */
export function expectNoOp(subscription: Subscription, command: () => unknown, result: unknown = false): void {
  const before = subscription.toState();
  expect(command()).to.equal(result);
  expect(subscription.toState()).to.deep.equal(before);
  expect(subscription.pullEvents()).to.deep.equal([]);
}
