import { addDaysUtc, billingPeriod, type BillingPeriod } from './billing-interval.value-object';
import type { DunningPolicy } from './dunning-policy';
import type { SubscriptionDomainEvent } from './events/subscription.domain-event';
import { assertNonEmpty, assertPositiveInteger, assertValidDate } from './guards';
import type { Currency } from './money.value-object';
import type { Plan } from './plan.entity';
import { isSamePlanVersion, isUpgrade, planRefOf, type PlanTerms } from './plan-terms.value-object';
import { prorateCredits, proratePriceDifference } from './proration';
import {
  InvalidArgumentError,
  InvalidTransitionError,
  PaymentAmountMismatchError,
  PeriodNotDueError,
  PlanCurrencyMismatchError,
  PlanIntervalMismatchError,
  PlanNotActiveError,
  SubscriptionAlreadyCanceledError,
  UpgradeNotPendingError,
  UpgradePaymentPendingError,
} from './subscription.errors';
import { validateSubscriptionState, type SubscriptionState, type UpgradeFailureReason, type UpgradeState } from './subscription-state';
import {
  isTerminalStatus,
  type CancellationReason,
  type SubscriptionStatus,
  type TerminalStatus,
} from './subscription-status';

/** Stripe's window for finishing the first payment of an incomplete subscription. */
export const INCOMPLETE_EXPIRY_MS = 23 * 60 * 60 * 1000;

export type CancelMode = 'now' | 'at_period_end';

export type PlanChangeOutcome = 'applied_now' | 'payment_pending' | 'scheduled_at_period_end' | 'scheduled_change_withdrawn' | 'unchanged';

/** What a payment took: compared with what was asked before anything is granted. */
export interface PaidAmount {
  readonly amount: number;
  readonly currency: string;
}

export interface DunningAttempt {
  readonly periodIndex: number;
  readonly attempt: number;
  readonly amount: number;
  readonly currency: Currency;
}

export interface NewSubscription {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly plan: Plan;
  readonly now: Date;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A customer's subscription to one plan version. Commands take `now` and return whether anything changed:
 * repeats and stale payment results are no-ops (false, no event) because every input arrives at least once.
 * Refused commands throw typed errors and change nothing. Events are recorded, never published.
 */
export class Subscription {
  private readonly events: SubscriptionDomainEvent[] = [];

  private constructor(private readonly state: Mutable<SubscriptionState>) {}

  /**
   * Without trial days: incomplete, owing period 1 now. With trial days: trialing until now + trialDays (whole
   * UTC days); nothing is owed until then and no credits are granted before period 1 is paid.
   */
  static create(input: NewSubscription): Subscription {
    assertNonEmpty(input.subscriptionId, 'subscriptionId');
    assertNonEmpty(input.customerId, 'customerId');
    assertValidDate(input.now, 'now');
    const { plan, now } = input;
    if (!plan.active) throw new PlanNotActiveError(plan.planId, plan.version);

    const trialEndsAt = plan.trialDays > 0 ? addDaysUtc(now, plan.trialDays) : null;
    const subscription = new Subscription({
      subscriptionId: input.subscriptionId,
      customerId: input.customerId,
      status: trialEndsAt ? 'trialing' : 'incomplete',
      plan: plan.terms(),
      createdAt: now,
      trialEndsAt,
      billingAnchor: null,
      currentPeriod: null,
      lastDuePeriodIndex: trialEndsAt ? 0 : 1,
      cancelAtPeriodEnd: false,
      pendingDowngrade: null,
      dunning: null,
      cancellation: null,
      upgrade: null,
    });
    subscription.record({
      type: 'SubscriptionCreated',
      ...subscription.base(now),
      planId: plan.planId,
      planVersion: plan.version,
      status: trialEndsAt ? 'trialing' : 'incomplete',
      periodIndex: 1,
      amountDue: trialEndsAt ? 0 : plan.price.amount,
      currency: plan.price.currency,
      trialEndsAt,
    });
    return subscription;
  }

  static reconstitute(state: SubscriptionState): Subscription {
    validateSubscriptionState(state);
    return new Subscription({ ...state });
  }

  get subscriptionId(): string {
    return this.state.subscriptionId;
  }

  get customerId(): string {
    return this.state.customerId;
  }

  get createdAt(): Date {
    return this.state.createdAt;
  }

  get status(): SubscriptionStatus {
    return this.state.status;
  }

  get plan(): PlanTerms {
    return this.state.plan;
  }

  get currentPeriod(): BillingPeriod | null {
    return this.state.currentPeriod;
  }

  get cancelAtPeriodEnd(): boolean {
    return this.state.cancelAtPeriodEnd;
  }

  get pendingDowngrade(): PlanTerms | null {
    return this.state.pendingDowngrade;
  }

  get dunning(): SubscriptionState['dunning'] {
    return this.state.dunning;
  }

  get upgrade(): UpgradeState | null {
    return this.state.upgrade;
  }

  get trialEndsAt(): Date | null {
    return this.state.trialEndsAt;
  }

  /** When markRenewalDue will next act (trial end or period end), null when it will not; a scheduler index. */
  get renewalDueAt(): Date | null {
    if (this.renewalRequested()) return null;
    if (this.state.status === 'trialing') return this.state.trialEndsAt;
    if (this.state.status === 'active') return this.state.currentPeriod?.end ?? null;
    return null;
  }

  toState(): SubscriptionState {
    return { ...this.state };
  }

  pullEvents(): SubscriptionDomainEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /**
   * At the end of the trial or of the current period, asks for the next period's payment — once per period.
   * With cancel-at-period-end set it cancels instead, effective at that end.
   */
  markRenewalDue(now: Date): boolean {
    assertValidDate(now, 'now');
    const { status } = this.state;
    if (status !== 'active' && status !== 'trialing') return false;
    if (this.renewalRequested()) return false;
    const boundary = this.paidUntil();
    if (now < boundary) return false;
    // An upgrade buys the rest of its period only; one still unpaid at the end lapses.
    this.failPendingUpgrade('period_ended', null, now);

    if (this.state.cancelAtPeriodEnd) {
      this.end('canceled', 'requested_at_period_end', boundary, now);
      return true;
    }
    const periodIndex = this.paidPeriodIndex() + 1;
    const terms = this.termsForNextPeriod();
    const period = billingPeriod(this.anchorOrFirstPeriodStart(now), terms.interval, periodIndex);
    this.state.lastDuePeriodIndex = periodIndex;
    this.record({
      type: 'SubscriptionRenewalDue',
      ...this.base(now),
      planId: terms.planId,
      planVersion: terms.version,
      periodIndex,
      periodStart: period.start,
      periodEnd: period.end,
      amount: terms.price.amount,
      currency: terms.price.currency,
    });
    return true;
  }

  /**
   * Period `periodIndex` is paid: period 1 activates, later ones renew. A result for a period already paid is a
   * no-op, so duplicates and late redeliveries can never renew a period twice. With `paid`, the amount and currency
   * taken must be what the period was charged at (PAYMENT_AMOUNT_MISMATCH otherwise: nothing changes, nothing is granted).
   */
  recordPaymentSucceeded(periodIndex: number, now: Date, taken?: PaidAmount): boolean {
    assertPositiveInteger(periodIndex, 'periodIndex');
    assertValidDate(now, 'now');
    if (periodIndex <= this.paidPeriodIndex()) return false;
    // Money was taken for a subscription that has ended: the caller must refund, so this is loud.
    if (isTerminalStatus(this.state.status)) {
      throw new InvalidTransitionError(this.state.status, 'record a payment for', 'the subscription has ended', {
        periodIndex,
      });
    }
    this.assertRequested(periodIndex);
    if (taken !== undefined) {
      // Terms cannot change once a period's charge is requested, so the price it was asked at is still this one.
      const asked = this.termsForNextPeriod().price;
      if (taken.amount !== asked.amount || taken.currency !== asked.currency) {
        throw new PaymentAmountMismatchError(this.state.subscriptionId, periodIndex, asked.toString(), `${taken.amount} ${taken.currency}`);
      }
    }

    const anchor = this.anchorOrFirstPeriodStart(now);
    const downgrade = this.state.pendingDowngrade;
    if (downgrade) {
      const from = this.state.plan;
      this.state.plan = downgrade;
      this.state.pendingDowngrade = null;
      const period = billingPeriod(anchor, downgrade.interval, periodIndex);
      this.record({
        type: 'SubscriptionPlanChanged',
        ...this.base(now),
        fromPlan: planRefOf(from),
        toPlan: planRefOf(downgrade),
        effectiveAt: period.start,
        period,
        proratedCredits: 0,
        creditRollover: downgrade.creditRollover,
      });
    }

    const terms = this.state.plan;
    const period = billingPeriod(anchor, terms.interval, periodIndex);
    this.state.status = 'active';
    this.state.billingAnchor = anchor;
    this.state.currentPeriod = period;
    this.state.dunning = null;
    const paid = {
      planId: terms.planId,
      planVersion: terms.version,
      period,
      amount: terms.price.amount,
      currency: terms.price.currency,
    };
    if (periodIndex === 1) {
      this.record({
        type: 'SubscriptionActivated',
        ...this.base(now),
        ...paid,
        creditsPerPeriod: terms.creditsPerPeriod,
        creditRollover: terms.creditRollover,
        lowBalanceThreshold: terms.lowBalanceThreshold,
      });
    } else {
      this.record({
        type: 'SubscriptionRenewed',
        ...this.base(now),
        ...paid,
        credits: terms.creditsPerPeriod,
        creditRollover: terms.creditRollover,
      });
    }
    return true;
  }

  /**
   * Charge `attempt` for `periodIndex` failed. A renewal (or trial conversion) goes past_due and schedules the
   * next attempt by `policy`; when none is left it is canceled ('dunning_exhausted'). An incomplete subscription
   * stays incomplete: its customer is present to retry, and expireIfUnpaid ends it.
   */
  recordPaymentFailed(periodIndex: number, attempt: number, now: Date, policy: DunningPolicy): boolean {
    assertPositiveInteger(periodIndex, 'periodIndex');
    assertPositiveInteger(attempt, 'attempt');
    assertValidDate(now, 'now');
    if (periodIndex <= this.paidPeriodIndex()) return false;
    if (isTerminalStatus(this.state.status)) return false;
    this.assertRequested(periodIndex);
    if (this.state.status === 'incomplete') return false;
    if (this.state.dunning && attempt <= this.state.dunning.attempt) return false;

    const nextAttemptAt = policy.nextAttemptAt(attempt, now);
    if (!nextAttemptAt) {
      this.end('canceled', 'dunning_exhausted', now, now);
      return true;
    }
    const terms = this.termsForNextPeriod();
    this.state.status = 'past_due';
    this.state.dunning = { periodIndex, attempt, nextAttemptAt };
    this.record({
      type: 'SubscriptionPastDue',
      ...this.base(now),
      planId: terms.planId,
      planVersion: terms.version,
      periodIndex,
      attempt,
      nextAttemptAt,
      amount: terms.price.amount,
      currency: terms.price.currency,
    });
    return true;
  }

  /** The retry to make now, if one is due. A query: the charge itself is keyed by (period, attempt) downstream. */
  dunningAttemptDue(now: Date): DunningAttempt | null {
    assertValidDate(now, 'now');
    const { dunning } = this.state;
    if (this.state.status !== 'past_due' || !dunning || now < dunning.nextAttemptAt) return null;
    const terms = this.termsForNextPeriod();
    return {
      periodIndex: dunning.periodIndex,
      attempt: dunning.attempt + 1,
      amount: terms.price.amount,
      currency: terms.price.currency,
    };
  }

  /** An incomplete subscription whose first payment has not succeeded within `afterMs` of creation expires. */
  expireIfUnpaid(now: Date, afterMs: number = INCOMPLETE_EXPIRY_MS): boolean {
    assertValidDate(now, 'now');
    if (!Number.isFinite(afterMs) || afterMs < 0) {
      throw new InvalidArgumentError('afterMs must be a non-negative number of milliseconds', { afterMs });
    }
    if (this.state.status !== 'incomplete') return false;
    if (now.getTime() - this.state.createdAt.getTime() < afterMs) return false;
    this.end('incomplete_expired', 'incomplete_expired', now, now);
    return true;
  }

  /**
   * 'now' ends any live subscription at once. 'at_period_end' only marks it (no event): markRenewalDue cancels at
   * the period (or trial) end instead of asking for payment. Too late once that end has passed.
   */
  cancel(mode: CancelMode, now: Date): boolean {
    assertValidDate(now, 'now');
    if (isTerminalStatus(this.state.status)) {
      throw new SubscriptionAlreadyCanceledError(this.state.subscriptionId, this.state.status);
    }
    if (mode === 'now') {
      this.end('canceled', 'requested_immediately', now, now);
      return true;
    }
    this.assertBeforePeriodEnd('cancel at period end', now);
    if (this.state.cancelAtPeriodEnd) return false;
    this.state.cancelAtPeriodEnd = true;
    return true;
  }

  /** Withdraws a cancel at period end, while that end has not passed. */
  resume(now: Date): boolean {
    assertValidDate(now, 'now');
    if (isTerminalStatus(this.state.status)) {
      throw new SubscriptionAlreadyCanceledError(this.state.subscriptionId, this.state.status);
    }
    if (!this.state.cancelAtPeriodEnd) return false;
    this.assertBeforePeriodEnd('resume', now);
    this.state.cancelAtPeriodEnd = false;
    return true;
  }

  /**
   * Upgrade (higher price, same interval) of a paid period: asks for the prorated price difference
   * (SubscriptionUpgradeRequested, keyed by `changeId`) and changes nothing else; recordUpgradePaymentSucceeded applies
   * it. Otherwise: scheduled, applied at the next renewal (which is then charged at the new price). In a trial any
   * change applies now, since nothing has been paid. Choosing the current version again withdraws a scheduled change.
   * While an upgrade waits for its payment, every change is refused (UPGRADE_PAYMENT_PENDING).
   */
  changePlan(newPlan: Plan, now: Date, changeId?: string): PlanChangeOutcome {
    assertValidDate(now, 'now');
    const { status } = this.state;
    if (status !== 'active' && status !== 'trialing') {
      throw new InvalidTransitionError(status, 'change the plan of', 'only an active or trialing subscription can');
    }
    const waiting = this.state.upgrade;
    if (waiting?.status === 'payment_pending') throw new UpgradePaymentPendingError(this.state.subscriptionId, waiting.changeId);
    const to = newPlan.terms();
    const from = this.state.plan;
    if (isSamePlanVersion(from, to)) {
      if (this.state.pendingDowngrade) {
        // Once the next period is being charged at the scheduled price, the schedule can no longer be withdrawn.
        this.assertBeforePeriodEnd('withdraw the scheduled plan change of', now);
        this.state.pendingDowngrade = null;
        return 'scheduled_change_withdrawn';
      }
      return 'unchanged';
    }
    if (!newPlan.active) throw new PlanNotActiveError(newPlan.planId, newPlan.version);
    if (to.price.currency !== from.price.currency) {
      throw new PlanCurrencyMismatchError(from.price.currency, to.price.currency);
    }
    if (to.interval !== from.interval) throw new PlanIntervalMismatchError(from.interval, to.interval);
    // The next period's price is already being charged; changing terms now would contradict that charge.
    this.assertBeforePeriodEnd('change the plan of', now);

    const period = this.state.currentPeriod;
    if (status === 'active' && period && isUpgrade(from, to)) {
      if (typeof changeId !== 'string' || changeId === '') {
        throw new InvalidArgumentError('an upgrade needs a changeId to key its payment', { changeId });
      }
      const amount = proratePriceDifference(from.price.amount, to.price.amount, period, now);
      const proratedCredits = prorateCredits(to.creditsPerPeriod, period, now);
      this.state.upgrade = { changeId, to, periodIndex: period.index, amount, proratedCredits, status: 'payment_pending', failureReason: null, failureDetail: null, requestedAt: now, settledAt: null };
      this.record({
        type: 'SubscriptionUpgradeRequested',
        ...this.base(now),
        changeId,
        fromPlan: planRefOf(from),
        toPlan: planRefOf(to),
        period,
        amount,
        currency: to.price.currency,
        proratedCredits,
      });
      return 'payment_pending';
    }
    if (status === 'trialing' || !period) {
      this.state.plan = to;
      this.state.pendingDowngrade = null;
      this.record({
        type: 'SubscriptionPlanChanged',
        ...this.base(now),
        fromPlan: planRefOf(from),
        toPlan: planRefOf(to),
        effectiveAt: now,
        period,
        proratedCredits: 0,
        creditRollover: to.creditRollover,
      });
      return 'applied_now';
    }
    this.state.pendingDowngrade = to;
    return 'scheduled_at_period_end';
  }

  /**
   * The upgrade's payment succeeded: with the amount and currency asked, the new terms apply now and
   * SubscriptionPlanChanged grants the prorated credits; with any other, the upgrade fails (`amount_mismatch`) and
   * nothing is granted. Again for an applied upgrade: false. Money for an upgrade that is not waiting (failed, lapsed,
   * unknown) or for an ended subscription is refused loudly: it must be refunded.
   */
  recordUpgradePaymentSucceeded(changeId: string, paid: PaidAmount, now: Date): boolean {
    assertNonEmpty(changeId, 'changeId');
    assertValidDate(now, 'now');
    const upgrade = this.state.upgrade;
    if (upgrade?.changeId === changeId && upgrade.status === 'applied') return false;
    if (isTerminalStatus(this.state.status)) {
      throw new InvalidTransitionError(this.state.status, 'record an upgrade payment for', 'the subscription has ended', { changeId });
    }
    if (upgrade?.changeId !== changeId || upgrade.status !== 'payment_pending') {
      throw new UpgradeNotPendingError(this.state.subscriptionId, changeId, upgrade?.changeId === changeId ? upgrade.status : 'unknown');
    }
    if (paid.amount !== upgrade.amount || paid.currency !== upgrade.to.price.currency) {
      this.failPendingUpgrade('amount_mismatch', `paid ${paid.amount} ${paid.currency}, asked ${upgrade.amount} ${upgrade.to.price.currency}`, now);
      return true;
    }
    const from = this.state.plan;
    const period = this.state.currentPeriod!;
    this.state.plan = upgrade.to;
    this.state.pendingDowngrade = null;
    this.state.upgrade = { ...upgrade, status: 'applied', settledAt: now };
    this.record({
      type: 'SubscriptionPlanChanged',
      ...this.base(now),
      fromPlan: planRefOf(from),
      toPlan: planRefOf(upgrade.to),
      effectiveAt: now,
      period,
      proratedCredits: upgrade.proratedCredits,
      creditRollover: upgrade.to.creditRollover,
    });
    return true;
  }

  /** The upgrade's payment failed: it fails (`payment_failed`), the plan stays. Not pending (any more): false. */
  recordUpgradePaymentFailed(changeId: string, reason: string | null, now: Date): boolean {
    assertNonEmpty(changeId, 'changeId');
    assertValidDate(now, 'now');
    if (this.state.upgrade?.changeId !== changeId || this.state.upgrade.status !== 'payment_pending') return false;
    this.failPendingUpgrade('payment_failed', reason, now);
    return true;
  }

  private failPendingUpgrade(reason: UpgradeFailureReason, detail: string | null, now: Date): void {
    const upgrade = this.state.upgrade;
    if (upgrade?.status !== 'payment_pending') return;
    this.state.upgrade = { ...upgrade, status: 'failed', failureReason: reason, failureDetail: detail, settledAt: now };
    this.record({
      type: 'SubscriptionUpgradeFailed',
      ...this.base(now),
      changeId: upgrade.changeId,
      toPlan: planRefOf(upgrade.to),
      periodIndex: upgrade.periodIndex,
      reason,
      detail,
    });
  }

  private paidPeriodIndex(): number {
    return this.state.currentPeriod?.index ?? 0;
  }

  /** The next period's payment has been asked for and has not succeeded yet. */
  private renewalRequested(): boolean {
    return this.state.lastDuePeriodIndex > this.paidPeriodIndex();
  }

  /** End of what the customer has (trial or paid period); only meaningful for trialing and active. */
  private paidUntil(): Date {
    const end = this.state.status === 'trialing' ? this.state.trialEndsAt : this.state.currentPeriod?.end;
    if (!end) throw new InvalidTransitionError(this.state.status, 'find the period end of', 'there is no period');
    return end;
  }

  /** Period 1 starts at payment time, or at the trial end after a trial; the anchor never moves afterwards. */
  private anchorOrFirstPeriodStart(now: Date): Date {
    return this.state.billingAnchor ?? this.state.trialEndsAt ?? now;
  }

  private termsForNextPeriod(): PlanTerms {
    return this.state.pendingDowngrade ?? this.state.plan;
  }

  private assertRequested(periodIndex: number): void {
    if (periodIndex > this.state.lastDuePeriodIndex) {
      throw new PeriodNotDueError(this.state.subscriptionId, periodIndex, this.state.lastDuePeriodIndex);
    }
  }

  private assertBeforePeriodEnd(trigger: string, now: Date): void {
    const { status } = this.state;
    if (status !== 'active' && status !== 'trialing') {
      throw new InvalidTransitionError(status, trigger, 'there is no running period');
    }
    if (this.renewalRequested() || now >= this.paidUntil()) {
      throw new InvalidTransitionError(status, trigger, 'the current period has already ended', {
        periodEnd: this.paidUntil(),
      });
    }
  }

  private end(status: TerminalStatus, reason: CancellationReason, effectiveAt: Date, now: Date): void {
    this.failPendingUpgrade('subscription_ended', null, now);
    this.state.status = status;
    this.state.cancellation = { reason, effectiveAt };
    this.state.cancelAtPeriodEnd = false;
    this.state.pendingDowngrade = null;
    this.state.dunning = null;
    this.record({
      type: 'SubscriptionCanceled',
      ...this.base(now),
      planId: this.state.plan.planId,
      planVersion: this.state.plan.version,
      status,
      reason,
      effectiveAt,
      lastPaidPeriodIndex: this.paidPeriodIndex(),
    });
  }

  private base(now: Date): { subscriptionId: string; customerId: string; occurredAt: Date } {
    return { subscriptionId: this.state.subscriptionId, customerId: this.state.customerId, occurredAt: now };
  }

  private record(event: SubscriptionDomainEvent): void {
    this.events.push(event);
  }
}
