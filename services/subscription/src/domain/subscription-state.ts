import { billingPeriod, isBillingInterval, type BillingPeriod } from './billing-interval.value-object';
import { isSupportedCurrency, Money } from './money.value-object';
import type { PlanTerms } from './plan-terms.value-object';
import { InvalidSubscriptionStateError } from './subscription.errors';
import {
  CANCELLATION_REASONS,
  isSubscriptionStatus,
  isTerminalStatus,
  type CancellationReason,
  type SubscriptionStatus,
} from './subscription-status';

/** The retry in progress for the period whose charge failed. */
export interface DunningState {
  readonly periodIndex: number;
  /** The last attempt that failed. */
  readonly attempt: number;
  readonly nextAttemptAt: Date;
}

export const UPGRADE_FAILURE_REASONS = ['payment_failed', 'amount_mismatch', 'period_ended', 'subscription_ended'] as const;
export type UpgradeFailureReason = (typeof UPGRADE_FAILURE_REASONS)[number];

/**
 * The last mid-period upgrade: waiting for its payment (`payment_pending`, the subscription still bills by `plan`),
 * `applied` once paid, or `failed` with the reason. Kept after it settles so the subscription can say why it did not
 * move.
 */
export interface UpgradeState {
  readonly changeId: string;
  readonly to: PlanTerms;
  /** The period the upgrade is for; it lapses at that period's end. */
  readonly periodIndex: number;
  /** The prorated price difference charged, in the plan's currency. */
  readonly amount: number;
  /** Granted once the payment succeeds; computed when the upgrade was asked for, like the amount. */
  readonly proratedCredits: number;
  readonly status: 'payment_pending' | 'applied' | 'failed';
  readonly failureReason: UpgradeFailureReason | null;
  /** The decline reason, or what was paid against what was asked. */
  readonly failureDetail: string | null;
  readonly requestedAt: Date;
  readonly settledAt: Date | null;
}

export interface Cancellation {
  readonly reason: CancellationReason;
  readonly effectiveAt: Date;
}

/**
 * Everything a repository stores to reconstitute a Subscription; nothing here is derived.
 * `lastDuePeriodIndex` is the highest period whose charge was requested (1 at creation without a trial, by
 * SubscriptionRenewalDue after that); it makes "renewal due" once per period and rejects payments for periods
 * nobody asked to pay. It is always the paid period index (`currentPeriod?.index ?? 0`) or one more.
 */
export interface SubscriptionState {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly status: SubscriptionStatus;
  readonly plan: PlanTerms;
  readonly createdAt: Date;
  readonly trialEndsAt: Date | null;
  /** Start of period 1; every period is computed from it. Null until period 1 is paid. */
  readonly billingAnchor: Date | null;
  /** The last paid period; null until period 1 is paid. */
  readonly currentPeriod: BillingPeriod | null;
  readonly lastDuePeriodIndex: number;
  readonly cancelAtPeriodEnd: boolean;
  /** Terms that replace `plan` at the next renewal. */
  readonly pendingDowngrade: PlanTerms | null;
  readonly dunning: DunningState | null;
  readonly cancellation: Cancellation | null;
  readonly upgrade: UpgradeState | null;
}

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

function termsIssues(label: string, terms: PlanTerms | null | undefined): string[] {
  if (!terms) return [`${label} is missing`];
  const issues: string[] = [];
  if (typeof terms.planId !== 'string' || terms.planId === '') issues.push(`${label}.planId is empty`);
  if (!Number.isSafeInteger(terms.version) || terms.version < 1) {
    issues.push(`${label}.version is not a positive integer`);
  }
  // A Money instance, not a bare {amount, currency}: the repository rebuilds it with Money.of.
  if (!(terms.price instanceof Money)) issues.push(`${label}.price is not a Money`);
  else if (!Number.isSafeInteger(terms.price.amount) || terms.price.amount <= 0) {
    issues.push(`${label}.price is not a positive amount`);
  }
  if (!isSupportedCurrency(terms.price?.currency)) issues.push(`${label}.price.currency is not supported`);
  if (!isBillingInterval(terms.interval)) issues.push(`${label}.interval is unknown`);
  if (!Number.isSafeInteger(terms.creditsPerPeriod) || terms.creditsPerPeriod < 0) {
    issues.push(`${label}.creditsPerPeriod is not a non-negative integer`);
  }
  if (typeof terms.creditRollover !== 'boolean') issues.push(`${label}.creditRollover is not a boolean`);
  const threshold = terms.lowBalanceThreshold;
  if (threshold !== null && !(Number.isSafeInteger(threshold) && threshold >= 1)) issues.push(`${label}.lowBalanceThreshold is not null or a positive integer`);
  return issues;
}

/** The invariants every command preserves; checked on reconstitute so a corrupt row is refused, not acted on. */
export function validateSubscriptionState(state: SubscriptionState): void {
  const issues: string[] = [];
  const check = (ok: boolean, issue: string): void => {
    if (!ok) issues.push(issue);
  };

  check(typeof state.subscriptionId === 'string' && state.subscriptionId !== '', 'subscriptionId is empty');
  check(typeof state.customerId === 'string' && state.customerId !== '', 'customerId is empty');
  check(isSubscriptionStatus(state.status), `status ${String(state.status)} is unknown`);
  issues.push(...termsIssues('plan', state.plan));
  if (state.pendingDowngrade) {
    issues.push(...termsIssues('pendingDowngrade', state.pendingDowngrade));
    check(
      state.pendingDowngrade.price?.currency === state.plan?.price?.currency &&
        state.pendingDowngrade.interval === state.plan?.interval,
      'pendingDowngrade must share the currency and interval of plan',
    );
  }
  check(isDate(state.createdAt), 'createdAt is not a valid date');
  check(state.trialEndsAt === null || isDate(state.trialEndsAt), 'trialEndsAt is not a valid date');

  const paid = state.currentPeriod?.index ?? 0;
  check(
    state.lastDuePeriodIndex === paid || state.lastDuePeriodIndex === paid + 1,
    `lastDuePeriodIndex ${state.lastDuePeriodIndex} must be the paid period ${paid} or the next`,
  );
  check(
    (state.currentPeriod === null) === (state.billingAnchor === null),
    'currentPeriod and billingAnchor go together',
  );
  if (state.currentPeriod && isDate(state.billingAnchor) && issues.length === 0) {
    const expected = billingPeriod(state.billingAnchor, state.plan.interval, state.currentPeriod.index);
    check(
      expected.start.getTime() === state.currentPeriod.start.getTime() &&
        expected.end.getTime() === state.currentPeriod.end.getTime(),
      'currentPeriod does not match billingAnchor and interval',
    );
  }

  const terminal = isSubscriptionStatus(state.status) && isTerminalStatus(state.status);
  check(terminal === (state.cancellation !== null), 'a cancellation is recorded exactly when the status is terminal');
  if (state.cancellation) {
    check(CANCELLATION_REASONS.includes(state.cancellation.reason), 'cancellation.reason is unknown');
    check(isDate(state.cancellation.effectiveAt), 'cancellation.effectiveAt is not a valid date');
  }
  check((state.status === 'past_due') === (state.dunning !== null), 'dunning is recorded exactly when past_due');
  if (state.dunning) {
    check(state.dunning.periodIndex === paid + 1, 'dunning is for a period other than the one after the paid one');
    check(state.lastDuePeriodIndex === paid + 1, 'past_due without a requested period');
    check(Number.isSafeInteger(state.dunning.attempt) && state.dunning.attempt >= 1, 'dunning.attempt is not positive');
    check(isDate(state.dunning.nextAttemptAt), 'dunning.nextAttemptAt is not a valid date');
  }

  switch (state.status) {
    case 'incomplete':
      check(state.currentPeriod === null && state.trialEndsAt === null, 'incomplete has no period and no trial');
      check(state.lastDuePeriodIndex === 1, 'incomplete owes period 1');
      break;
    case 'trialing':
      check(state.currentPeriod === null && state.trialEndsAt !== null, 'trialing has a trial end and no period');
      break;
    case 'active':
      check(state.currentPeriod !== null, 'active has a paid period');
      break;
    case 'past_due':
    case 'canceled':
    case 'incomplete_expired':
      break;
  }
  check(
    !state.cancelAtPeriodEnd || state.status === 'active' || state.status === 'trialing',
    'only active or trialing may cancel at period end',
  );
  check(
    state.pendingDowngrade === null || state.status === 'active' || state.status === 'past_due',
    'only a paid subscription has a pending downgrade',
  );

  if (state.upgrade) {
    const upgrade = state.upgrade;
    issues.push(...termsIssues('upgrade.to', upgrade.to));
    check(typeof upgrade.changeId === 'string' && upgrade.changeId !== '', 'upgrade.changeId is empty');
    check(Number.isSafeInteger(upgrade.amount) && upgrade.amount > 0, 'upgrade.amount is not a positive integer');
    check(Number.isSafeInteger(upgrade.proratedCredits) && upgrade.proratedCredits >= 0, 'upgrade.proratedCredits is not a non-negative integer');
    check(isDate(upgrade.requestedAt), 'upgrade.requestedAt is not a valid date');
    check((upgrade.status === 'failed') === (upgrade.failureReason !== null), 'an upgrade has a failure reason exactly when it failed');
    check(upgrade.failureReason === null || UPGRADE_FAILURE_REASONS.includes(upgrade.failureReason), 'upgrade.failureReason is unknown');
    check((upgrade.status === 'payment_pending') === (upgrade.settledAt === null), 'an upgrade is settled exactly when it is no longer pending');
    if (upgrade.status === 'payment_pending') {
      check(state.status === 'active', 'only an active subscription waits for an upgrade payment');
      check(state.currentPeriod?.index === upgrade.periodIndex && state.lastDuePeriodIndex === paid, 'a pending upgrade is for the running period, before its renewal');
    }
  }

  if (issues.length > 0) throw new InvalidSubscriptionStateError(String(state.subscriptionId), issues);
}
