/**
 * One `it` per row of docs/subscription-state-machine.md, titled with the row id: given a state, when a trigger,
 * then the new state and events, a no-op, or a typed error.
 */
import { expect } from 'chai';
import { addDaysUtc } from './billing-interval.value-object';
import { Subscription } from './subscription.aggregate';
import {
  aHigherPlan,
  aLowerPlan,
  aPlan,
  aTrialPlan,
  CREATED_AT,
  DAY_MS,
  dunning,
  expectNoOp,
  expectRefused,
  given,
  HOUR_MS,
  PAID_AT,
  PERIOD_1_END,
  PERIOD_2_END,
  plus,
  TRIAL_ENDS_AT,
} from './subscription.test-fixtures';

const base = { subscriptionId: 'sub-1', customerId: 'cus-1' };

describe('Subscription state machine', () => {
  describe('when created', () => {
    it('[C1] without a trial: incomplete, owing period 1 — SubscriptionCreated', () => {
      const subscription = Subscription.create({ ...base, plan: aPlan(), now: CREATED_AT });
      expect(subscription.status).to.equal('incomplete');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionCreated',
          ...base,
          occurredAt: CREATED_AT,
          planId: 'plan-pro',
          planVersion: 1,
          status: 'incomplete',
          periodIndex: 1,
          amountDue: 2_900,
          currency: 'EUR',
          trialEndsAt: null,
        },
      ]);
    });

    it('[C2] with trial days: trialing, nothing owed until the trial ends — SubscriptionCreated', () => {
      const subscription = Subscription.create({ ...base, plan: aTrialPlan(), now: CREATED_AT });
      expect(subscription.status).to.equal('trialing');
      expect(subscription.trialEndsAt).to.deep.equal(TRIAL_ENDS_AT);
      expect(subscription.pullEvents()).to.deep.include.members([
        {
          type: 'SubscriptionCreated',
          ...base,
          occurredAt: CREATED_AT,
          planId: 'plan-trial',
          planVersion: 1,
          status: 'trialing',
          periodIndex: 1,
          amountDue: 0,
          currency: 'EUR',
          trialEndsAt: TRIAL_ENDS_AT,
        },
      ]);
    });

    it('[C3] from an inactive plan: PLAN_NOT_ACTIVE', () => {
      expect(() => Subscription.create({ ...base, plan: aPlan().deactivate(), now: CREATED_AT }))
        .to.throw()
        .with.property('code', 'PLAN_NOT_ACTIVE');
    });
  });

  describe('when incomplete', () => {
    it('[I1] payment for period 1 succeeds: active, period 1 from payment time — SubscriptionActivated', () => {
      const subscription = given.incomplete();
      expect(subscription.recordPaymentSucceeded(1, PAID_AT)).to.equal(true);
      expect(subscription.status).to.equal('active');
      const period = { index: 1, start: PAID_AT, end: PERIOD_1_END };
      expect(subscription.currentPeriod).to.deep.equal(period);
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionActivated',
          ...base,
          occurredAt: PAID_AT,
          planId: 'plan-pro',
          planVersion: 1,
          period,
          amount: 2_900,
          currency: 'EUR',
          creditsPerPeriod: 1_000,
          creditRollover: false,
          lowBalanceThreshold: null,
        },
      ]);
    });

    it('[I2] payment for a later period: PERIOD_NOT_DUE', () => {
      const subscription = given.incomplete();
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(2, PAID_AT), 'PERIOD_NOT_DUE');
    });

    it('[I3] payment for period 1 fails: stays incomplete (no-op)', () => {
      const subscription = given.incomplete();
      expectNoOp(subscription, () => subscription.recordPaymentFailed(1, 1, PAID_AT, dunning));
    });

    it('[I4] expiry check before 23 h: no-op', () => {
      const subscription = given.incomplete();
      expectNoOp(subscription, () => subscription.expireIfUnpaid(plus(CREATED_AT, 23 * HOUR_MS - 1)));
    });

    it('[I5] expiry check at 23 h: incomplete_expired — SubscriptionCanceled(incomplete_expired)', () => {
      const subscription = given.incomplete();
      const now = plus(CREATED_AT, 23 * HOUR_MS);
      expect(subscription.expireIfUnpaid(now)).to.equal(true);
      expect(subscription.status).to.equal('incomplete_expired');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionCanceled',
          ...base,
          occurredAt: now,
          planId: 'plan-pro',
          planVersion: 1,
          status: 'incomplete_expired',
          reason: 'incomplete_expired',
          effectiveAt: now,
          lastPaidPeriodIndex: 0,
        },
      ]);
    });

    it('[I6] renewal check: no-op (period 1 is owed since creation)', () => {
      const subscription = given.incomplete();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(CREATED_AT, 400 * DAY_MS)));
    });

    it('[I7] cancel now: canceled — SubscriptionCanceled(requested_immediately)', () => {
      const subscription = given.incomplete();
      expect(subscription.cancel('now', PAID_AT)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.pullEvents()).to.deep.include({
        type: 'SubscriptionCanceled',
        ...base,
        occurredAt: PAID_AT,
        planId: 'plan-pro',
        planVersion: 1,
        status: 'canceled',
        reason: 'requested_immediately',
        effectiveAt: PAID_AT,
        lastPaidPeriodIndex: 0,
      });
    });

    it('[I8] cancel at period end: INVALID_TRANSITION (no period yet)', () => {
      const subscription = given.incomplete();
      expectRefused(subscription, () => subscription.cancel('at_period_end', PAID_AT), 'INVALID_TRANSITION');
    });

    it('[I9] resume: no-op', () => {
      const subscription = given.incomplete();
      expectNoOp(subscription, () => subscription.resume(PAID_AT));
    });

    it('[I10] change plan: INVALID_TRANSITION', () => {
      const subscription = given.incomplete();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), PAID_AT), 'INVALID_TRANSITION');
    });

    it('[I11] dunning check: nothing due', () => {
      const subscription = given.incomplete();
      expectNoOp(subscription, () => subscription.dunningAttemptDue(PAID_AT), null);
    });
  });

  describe('when trialing', () => {
    const period1 = { index: 1, start: TRIAL_ENDS_AT, end: addDaysUtc(TRIAL_ENDS_AT, 28) };

    it('[T1] renewal check before the trial ends: no-op', () => {
      const subscription = given.trialing();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(TRIAL_ENDS_AT, -1)));
    });

    it('[T2] renewal check at the trial end: stays trialing — SubscriptionRenewalDue(period 1)', () => {
      const subscription = given.trialing();
      expect(subscription.markRenewalDue(TRIAL_ENDS_AT)).to.equal(true);
      expect(subscription.status).to.equal('trialing');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionRenewalDue',
          ...base,
          occurredAt: TRIAL_ENDS_AT,
          planId: 'plan-trial',
          planVersion: 1,
          periodIndex: 1,
          periodStart: period1.start,
          periodEnd: period1.end,
          amount: 2_900,
          currency: 'EUR',
        },
      ]);
    });

    it('[T3] renewal check again after the trial end: no-op', () => {
      const subscription = given.trialEnded();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(TRIAL_ENDS_AT, HOUR_MS)));
    });

    it('[T4] renewal check at the trial end with cancel at period end: canceled at the trial end', () => {
      const subscription = given.trialing();
      subscription.cancel('at_period_end', CREATED_AT);
      const now = plus(TRIAL_ENDS_AT, HOUR_MS);
      expect(subscription.markRenewalDue(now)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      const events = subscription.pullEvents();
      expect(events.map((event) => event.type)).to.deep.equal(['SubscriptionCanceled']);
      expect(events[0]).to.deep.include({ reason: 'requested_at_period_end', effectiveAt: TRIAL_ENDS_AT, occurredAt: now });
    });

    it('[T5] payment for period 1 after the trial end: active, period 1 from the trial end — SubscriptionActivated', () => {
      const subscription = given.trialEnded();
      const now = plus(TRIAL_ENDS_AT, 5 * 60_000);
      expect(subscription.recordPaymentSucceeded(1, now)).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.currentPeriod).to.deep.equal(period1);
      const [event] = subscription.pullEvents();
      expect(event).to.deep.include({ type: 'SubscriptionActivated', period: period1, creditsPerPeriod: 1_000 });
    });

    it('[T6] payment for period 1 during the trial: PERIOD_NOT_DUE', () => {
      const subscription = given.trialing();
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(1, CREATED_AT), 'PERIOD_NOT_DUE');
    });

    it('[T7] payment for period 1 fails after the trial end: past_due — SubscriptionPastDue', () => {
      const subscription = given.trialEnded();
      expect(subscription.recordPaymentFailed(1, 1, TRIAL_ENDS_AT, dunning)).to.equal(true);
      expect(subscription.status).to.equal('past_due');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionPastDue',
          ...base,
          occurredAt: TRIAL_ENDS_AT,
          planId: 'plan-trial',
          planVersion: 1,
          periodIndex: 1,
          attempt: 1,
          nextAttemptAt: plus(TRIAL_ENDS_AT, DAY_MS),
          amount: 2_900,
          currency: 'EUR',
        },
      ]);
    });

    it('[T8] cancel now: canceled — SubscriptionCanceled(requested_immediately)', () => {
      const subscription = given.trialing();
      expect(subscription.cancel('now', CREATED_AT)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionCanceled', reason: 'requested_immediately' });
    });

    it('[T9] cancel at period end during the trial: marked, no event; a second time is a no-op', () => {
      const subscription = given.trialing();
      expect(subscription.cancel('at_period_end', CREATED_AT)).to.equal(true);
      expect(subscription.cancelAtPeriodEnd).to.equal(true);
      expect(subscription.status).to.equal('trialing');
      expect(subscription.pullEvents()).to.deep.equal([]);
      expectNoOp(subscription, () => subscription.cancel('at_period_end', CREATED_AT));
    });

    it('[T10] cancel at period end after the trial end: INVALID_TRANSITION', () => {
      const subscription = given.trialEnded();
      expectRefused(subscription, () => subscription.cancel('at_period_end', TRIAL_ENDS_AT), 'INVALID_TRANSITION');
    });

    it('[T11] resume before the trial end: cancel at period end withdrawn, no event', () => {
      const subscription = given.trialing();
      subscription.cancel('at_period_end', CREATED_AT);
      expect(subscription.resume(plus(TRIAL_ENDS_AT, -1))).to.equal(true);
      expect(subscription.cancelAtPeriodEnd).to.equal(false);
      expect(subscription.pullEvents()).to.deep.equal([]);
      expect(subscription.markRenewalDue(TRIAL_ENDS_AT)).to.equal(true);
      expect(subscription.pullEvents()[0]?.type).to.equal('SubscriptionRenewalDue');
    });

    it('[T12] change plan during the trial: applied now, nothing prorated — SubscriptionPlanChanged', () => {
      const subscription = given.trialing();
      expect(subscription.changePlan(aLowerPlan(), CREATED_AT)).to.equal('applied_now');
      expect(subscription.plan.planId).to.equal('plan-lite');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionPlanChanged',
          ...base,
          occurredAt: CREATED_AT,
          fromPlan: { planId: 'plan-trial', version: 1 },
          toPlan: { planId: 'plan-lite', version: 1 },
          effectiveAt: CREATED_AT,
          period: null,
          proratedCredits: 0,
          creditRollover: true,
        },
      ]);
    });

    it('[T13] change plan after the trial end: INVALID_TRANSITION', () => {
      const subscription = given.trialEnded();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), TRIAL_ENDS_AT), 'INVALID_TRANSITION');
    });

    it('[T14] expiry check: no-op', () => {
      const subscription = given.trialing();
      expectNoOp(subscription, () => subscription.expireIfUnpaid(plus(CREATED_AT, 30 * DAY_MS)));
    });
  });

  describe('when active', () => {
    it('[A1] renewal check before the period end: no-op', () => {
      const subscription = given.active();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(PERIOD_1_END, -1)));
    });

    it('[A2] renewal check at the period end: stays active — SubscriptionRenewalDue(next period)', () => {
      const subscription = given.active();
      expect(subscription.markRenewalDue(PERIOD_1_END)).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionRenewalDue',
          ...base,
          occurredAt: PERIOD_1_END,
          planId: 'plan-pro',
          planVersion: 1,
          periodIndex: 2,
          periodStart: PERIOD_1_END,
          periodEnd: PERIOD_2_END,
          amount: 2_900,
          currency: 'EUR',
        },
      ]);
    });

    it('[A3] renewal check again for the same period: no-op', () => {
      const subscription = given.renewalDue();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(PERIOD_1_END, DAY_MS)));
    });

    it('[A4] renewal check with cancel at period end: canceled at the period end, no renewal', () => {
      const subscription = given.active();
      subscription.cancel('at_period_end', PAID_AT);
      const now = plus(PERIOD_1_END, HOUR_MS);
      expect(subscription.markRenewalDue(now)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionCanceled',
          ...base,
          occurredAt: now,
          planId: 'plan-pro',
          planVersion: 1,
          status: 'canceled',
          reason: 'requested_at_period_end',
          effectiveAt: PERIOD_1_END,
          lastPaidPeriodIndex: 1,
        },
      ]);
    });

    it('[A5] renewal check with a downgrade scheduled: SubscriptionRenewalDue at the downgraded price', () => {
      const subscription = given.active();
      subscription.changePlan(aLowerPlan(), PAID_AT);
      subscription.markRenewalDue(PERIOD_1_END);
      expect(subscription.pullEvents()[0]).to.include({
        type: 'SubscriptionRenewalDue',
        planId: 'plan-lite',
        periodIndex: 2,
        amount: 900,
      });
      expect(subscription.plan.planId).to.equal('plan-pro');
    });

    it('[A6] payment for the requested period: active, next period — SubscriptionRenewed', () => {
      const subscription = given.renewalDue();
      const now = plus(PERIOD_1_END, 60_000);
      expect(subscription.recordPaymentSucceeded(2, now)).to.equal(true);
      const period = { index: 2, start: PERIOD_1_END, end: PERIOD_2_END };
      expect(subscription.currentPeriod).to.deep.equal(period);
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionRenewed',
          ...base,
          occurredAt: now,
          planId: 'plan-pro',
          planVersion: 1,
          period,
          amount: 2_900,
          currency: 'EUR',
          credits: 1_000,
          creditRollover: false,
        },
      ]);
    });

    it('[A7] payment for a period already paid: no-op', () => {
      const subscription = given.active();
      expectNoOp(subscription, () => subscription.recordPaymentSucceeded(1, PERIOD_1_END));
    });

    it('[A8] payment for the next period before it was requested: PERIOD_NOT_DUE', () => {
      const subscription = given.active();
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(2, PAID_AT), 'PERIOD_NOT_DUE');
    });

    it('[A9] payment with a downgrade scheduled: plan switched — SubscriptionPlanChanged then SubscriptionRenewed', () => {
      const subscription = given.active();
      subscription.changePlan(aLowerPlan(), PAID_AT);
      subscription.markRenewalDue(PERIOD_1_END);
      subscription.pullEvents();
      expect(subscription.recordPaymentSucceeded(2, PERIOD_1_END)).to.equal(true);
      const period = { index: 2, start: PERIOD_1_END, end: PERIOD_2_END };
      const events = subscription.pullEvents();
      expect(events).to.deep.equal([
        {
          type: 'SubscriptionPlanChanged',
          ...base,
          occurredAt: PERIOD_1_END,
          fromPlan: { planId: 'plan-pro', version: 1 },
          toPlan: { planId: 'plan-lite', version: 1 },
          effectiveAt: PERIOD_1_END,
          period,
          proratedCredits: 0,
          creditRollover: true,
        },
        {
          type: 'SubscriptionRenewed',
          ...base,
          occurredAt: PERIOD_1_END,
          planId: 'plan-lite',
          planVersion: 1,
          period,
          amount: 900,
          currency: 'EUR',
          credits: 200,
          creditRollover: true,
        },
      ]);
      expect(subscription.plan.planId).to.equal('plan-lite');
      expect(subscription.pendingDowngrade).to.equal(null);
    });

    it('[A10] payment for the requested period fails: past_due — SubscriptionPastDue', () => {
      const subscription = given.renewalDue();
      expect(subscription.recordPaymentFailed(2, 1, PERIOD_1_END, dunning)).to.equal(true);
      expect(subscription.status).to.equal('past_due');
      expect(subscription.dunning).to.deep.equal({ periodIndex: 2, attempt: 1, nextAttemptAt: plus(PERIOD_1_END, DAY_MS) });
      expect(subscription.pullEvents()[0]).to.deep.include({
        type: 'SubscriptionPastDue',
        periodIndex: 2,
        attempt: 1,
        nextAttemptAt: plus(PERIOD_1_END, DAY_MS),
      });
    });

    it('[A11] failure for a period already paid: no-op', () => {
      const subscription = given.renewalDue();
      expectNoOp(subscription, () => subscription.recordPaymentFailed(1, 1, PERIOD_1_END, dunning));
    });

    it('[A12] cancel now: canceled — SubscriptionCanceled(requested_immediately)', () => {
      const subscription = given.active();
      const now = plus(PAID_AT, DAY_MS);
      expect(subscription.cancel('now', now)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.pullEvents()[0]).to.deep.include({
        type: 'SubscriptionCanceled',
        reason: 'requested_immediately',
        effectiveAt: now,
        lastPaidPeriodIndex: 1,
      });
    });

    it('[A13] cancel at period end: marked, no event; a second time is a no-op', () => {
      const subscription = given.active();
      expect(subscription.cancel('at_period_end', PAID_AT)).to.equal(true);
      expect(subscription.cancelAtPeriodEnd).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.pullEvents()).to.deep.equal([]);
      expectNoOp(subscription, () => subscription.cancel('at_period_end', PAID_AT));
    });

    it('[A14] cancel at period end once the period has ended: INVALID_TRANSITION', () => {
      const subscription = given.active();
      expectRefused(subscription, () => subscription.cancel('at_period_end', PERIOD_1_END), 'INVALID_TRANSITION');
      const due = given.renewalDue();
      expectRefused(due, () => due.cancel('at_period_end', PAID_AT), 'INVALID_TRANSITION');
    });

    it('[A15] resume before the period end: cancel at period end withdrawn, renews as usual', () => {
      const subscription = given.active();
      subscription.cancel('at_period_end', PAID_AT);
      expect(subscription.resume(plus(PERIOD_1_END, -1))).to.equal(true);
      expect(subscription.cancelAtPeriodEnd).to.equal(false);
      expect(subscription.pullEvents()).to.deep.equal([]);
      subscription.markRenewalDue(PERIOD_1_END);
      expect(subscription.pullEvents()[0]?.type).to.equal('SubscriptionRenewalDue');
    });

    it('[A16] resume once the period has ended (cancel not yet applied): INVALID_TRANSITION', () => {
      const subscription = given.active();
      subscription.cancel('at_period_end', PAID_AT);
      expectRefused(subscription, () => subscription.resume(PERIOD_1_END), 'INVALID_TRANSITION');
    });

    it('[A17] upgrade: waits for the prorated price difference — SubscriptionUpgradeRequested, plan unchanged', () => {
      const subscription = given.active();
      // Feb 2025: the period is 28 days; a quarter of it (7 days) is left.
      const now = plus(PERIOD_1_END, -7 * DAY_MS);
      expect(subscription.changePlan(aHigherPlan(), now, 'chg-1')).to.equal('payment_pending');
      expect(subscription.plan.planId).to.equal('plan-pro');
      expect(subscription.upgrade).to.deep.include({ changeId: 'chg-1', status: 'payment_pending', amount: 1_750, proratedCredits: 1_250 });
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionUpgradeRequested',
          ...base,
          occurredAt: now,
          changeId: 'chg-1',
          fromPlan: { planId: 'plan-pro', version: 1 },
          toPlan: { planId: 'plan-max', version: 1 },
          period: { index: 1, start: PAID_AT, end: PERIOD_1_END },
          amount: 1_750,
          currency: 'EUR',
          proratedCredits: 1_250,
        },
      ]);
    });

    it('[A17b] upgrade without a changeId: INVALID_ARGUMENT', () => {
      const subscription = given.active();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), plus(PAID_AT, DAY_MS)), 'INVALID_ARGUMENT');
    });

    it('[A18] downgrade: scheduled for the period end, no event', () => {
      const subscription = given.active();
      expect(subscription.changePlan(aLowerPlan(), PAID_AT)).to.equal('scheduled_at_period_end');
      expect(subscription.plan.planId).to.equal('plan-pro');
      expect(subscription.pendingDowngrade?.planId).to.equal('plan-lite');
      expect(subscription.pullEvents()).to.deep.equal([]);
    });

    it('[A19] change to the current plan version: withdraws a scheduled downgrade, else no-op', () => {
      const subscription = given.active();
      expectNoOp(subscription, () => subscription.changePlan(aPlan(), PAID_AT), 'unchanged');
      subscription.changePlan(aLowerPlan(), PAID_AT);
      expect(subscription.changePlan(aPlan(), PAID_AT)).to.equal('scheduled_change_withdrawn');
      expect(subscription.pendingDowngrade).to.equal(null);
      expect(subscription.pullEvents()).to.deep.equal([]);
    });

    it('[A20] change to a plan in another currency: PLAN_CURRENCY_MISMATCH', () => {
      const subscription = given.active();
      const usd = aPlan({ planId: 'plan-usd', code: 'usd', price: { amount: 9_900, currency: 'USD' } });
      expectRefused(subscription, () => subscription.changePlan(usd, PAID_AT), 'PLAN_CURRENCY_MISMATCH');
    });

    it('[A21] change to a plan with another interval: PLAN_INTERVAL_MISMATCH', () => {
      const subscription = given.active();
      const yearly = aPlan({ planId: 'plan-year', code: 'year', interval: 'year', price: { amount: 29_000, currency: 'EUR' } });
      expectRefused(subscription, () => subscription.changePlan(yearly, PAID_AT), 'PLAN_INTERVAL_MISMATCH');
    });

    it('[A22] change to an inactive plan: PLAN_NOT_ACTIVE', () => {
      const subscription = given.active();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan().deactivate(), PAID_AT), 'PLAN_NOT_ACTIVE');
    });

    it('[A23] change plan once the period has ended: INVALID_TRANSITION', () => {
      const subscription = given.renewalDue();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), PERIOD_1_END), 'INVALID_TRANSITION');
      const withDowngrade = given.active();
      withDowngrade.changePlan(aLowerPlan(), PAID_AT);
      withDowngrade.markRenewalDue(PERIOD_1_END);
      withDowngrade.pullEvents();
      expectRefused(withDowngrade, () => withDowngrade.changePlan(aPlan(), PERIOD_1_END), 'INVALID_TRANSITION');
    });

    it('[A24] expiry check: no-op', () => {
      const subscription = given.active();
      expectNoOp(subscription, () => subscription.expireIfUnpaid(plus(CREATED_AT, 30 * DAY_MS)));
    });

    it('[A25] dunning check: nothing due', () => {
      const subscription = given.renewalDue();
      expectNoOp(subscription, () => subscription.dunningAttemptDue(plus(PERIOD_1_END, 30 * DAY_MS)), null);
    });
  });

  describe('when active with an upgrade waiting for its payment', () => {
    const REQUESTED_AT = plus(PERIOD_1_END, -7 * DAY_MS);
    const PAID = plus(REQUESTED_AT, 1_000);
    const upgrading = () => {
      const subscription = given.active();
      subscription.changePlan(aHigherPlan(), REQUESTED_AT, 'chg-1');
      subscription.pullEvents();
      return subscription;
    };

    it('[U1] its payment succeeds with the amount asked: the new terms apply — SubscriptionPlanChanged with the prorated credits', () => {
      const subscription = upgrading();
      expect(subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 1_750, currency: 'EUR' }, PAID)).to.equal(true);
      expect(subscription.plan.planId).to.equal('plan-max');
      expect(subscription.upgrade).to.deep.include({ status: 'applied', settledAt: PAID, failureReason: null });
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionPlanChanged',
          ...base,
          occurredAt: PAID,
          fromPlan: { planId: 'plan-pro', version: 1 },
          toPlan: { planId: 'plan-max', version: 1 },
          effectiveAt: PAID,
          period: { index: 1, start: PAID_AT, end: PERIOD_1_END },
          proratedCredits: 1_250,
          creditRollover: false,
        },
      ]);
    });

    it('[U2] its payment succeeds with another amount: grants nothing, keeps the plan — SubscriptionUpgradeFailed{amount_mismatch}', () => {
      const subscription = upgrading();
      expect(subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 1_749, currency: 'EUR' }, PAID)).to.equal(true);
      expect(subscription.plan.planId).to.equal('plan-pro');
      expect(subscription.upgrade).to.deep.include({ status: 'failed', failureReason: 'amount_mismatch', failureDetail: 'paid 1749 EUR, asked 1750 EUR' });
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionUpgradeFailed',
          ...base,
          occurredAt: PAID,
          changeId: 'chg-1',
          toPlan: { planId: 'plan-max', version: 1 },
          periodIndex: 1,
          reason: 'amount_mismatch',
          detail: 'paid 1749 EUR, asked 1750 EUR',
        },
      ]);
    });

    it('[U3] its payment fails: keeps the plan, says why — SubscriptionUpgradeFailed{payment_failed}', () => {
      const subscription = upgrading();
      expect(subscription.recordUpgradePaymentFailed('chg-1', 'insufficient_funds', PAID)).to.equal(true);
      expect(subscription.plan.planId).to.equal('plan-pro');
      expect(subscription.upgrade).to.deep.include({ status: 'failed', failureReason: 'payment_failed', failureDetail: 'insufficient_funds' });
      expect(subscription.pullEvents()).to.deep.include.members([
        { type: 'SubscriptionUpgradeFailed', ...base, occurredAt: PAID, changeId: 'chg-1', toPlan: { planId: 'plan-max', version: 1 }, periodIndex: 1, reason: 'payment_failed', detail: 'insufficient_funds' },
      ]);
    });

    it('[U4] another plan change: UPGRADE_PAYMENT_PENDING', () => {
      const subscription = upgrading();
      expectRefused(subscription, () => subscription.changePlan(aLowerPlan(), PAID, 'chg-2'), 'UPGRADE_PAYMENT_PENDING');
    });

    it('[U5] the period ends unpaid: the upgrade lapses — SubscriptionUpgradeFailed{period_ended}, then RenewalDue at the old price', () => {
      const subscription = upgrading();
      expect(subscription.markRenewalDue(PERIOD_1_END)).to.equal(true);
      const events = subscription.pullEvents();
      expect(events.map((event) => event.type)).to.deep.equal(['SubscriptionUpgradeFailed', 'SubscriptionRenewalDue']);
      expect(events[0]).to.include({ reason: 'period_ended' });
      expect(events[1]).to.include({ planId: 'plan-pro', amount: 2_900 });
    });

    it('[U6] cancel now: the upgrade fails with the subscription — SubscriptionUpgradeFailed{subscription_ended}, SubscriptionCanceled', () => {
      const subscription = upgrading();
      subscription.cancel('now', PAID);
      expect(subscription.pullEvents().map((event) => [event.type, 'reason' in event ? event.reason : null])).to.deep.equal([
        ['SubscriptionUpgradeFailed', 'subscription_ended'],
        ['SubscriptionCanceled', 'requested_immediately'],
      ]);
    });

    it('[U7] the same success again after it applied: no-op', () => {
      const subscription = upgrading();
      subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 1_750, currency: 'EUR' }, PAID);
      subscription.pullEvents();
      expectNoOp(subscription, () => subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 1_750, currency: 'EUR' }, plus(PAID, 1)));
    });

    it('[U8] money for an upgrade that failed, lapsed or is unknown: UPGRADE_NOT_PENDING (refund it)', () => {
      const failed = upgrading();
      failed.recordUpgradePaymentFailed('chg-1', 'card_declined', PAID);
      failed.pullEvents();
      expectRefused(failed, () => failed.recordUpgradePaymentSucceeded('chg-1', { amount: 1_750, currency: 'EUR' }, plus(PAID, 1)), 'UPGRADE_NOT_PENDING');
      const other = upgrading();
      expectRefused(other, () => other.recordUpgradePaymentSucceeded('chg-other', { amount: 1_750, currency: 'EUR' }, PAID), 'UPGRADE_NOT_PENDING');
    });

    it('[U9] a failure for an upgrade not waiting: no-op', () => {
      const subscription = upgrading();
      expectNoOp(subscription, () => subscription.recordUpgradePaymentFailed('chg-other', 'card_declined', PAID));
    });

    it('[U10] money for an upgrade of an ended subscription: INVALID_TRANSITION (refund it)', () => {
      const subscription = upgrading();
      subscription.cancel('now', PAID);
      subscription.pullEvents();
      expectRefused(subscription, () => subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 1_750, currency: 'EUR' }, plus(PAID, 1)), 'INVALID_TRANSITION');
    });
  });

  describe('when a period payment took another amount than asked', () => {
    it('[M1] recordPaymentSucceeded(k+1) with another amount or currency: PAYMENT_AMOUNT_MISMATCH, nothing granted', () => {
      const subscription = given.renewalDue();
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(2, PERIOD_1_END, { amount: 1, currency: 'EUR' }), 'PAYMENT_AMOUNT_MISMATCH');
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(2, PERIOD_1_END, { amount: 2_900, currency: 'USD' }), 'PAYMENT_AMOUNT_MISMATCH');
      expect(subscription.recordPaymentSucceeded(2, PERIOD_1_END, { amount: 2_900, currency: 'EUR' })).to.equal(true);
    });

    it('[M2] period 1 of an incomplete subscription paid below the price: PAYMENT_AMOUNT_MISMATCH, stays incomplete', () => {
      const subscription = given.incomplete();
      expectRefused(subscription, () => subscription.recordPaymentSucceeded(1, PAID_AT, { amount: 1, currency: 'EUR' }), 'PAYMENT_AMOUNT_MISMATCH');
      expect(subscription.status).to.equal('incomplete');
    });
  });

  describe('when past_due', () => {
    const firstRetryAt = plus(PERIOD_1_END, DAY_MS);

    it('[P1] dunning check before the next attempt: nothing due', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.dunningAttemptDue(plus(firstRetryAt, -1)), null);
    });

    it('[P2] dunning check at the next attempt: which period, attempt and amount', () => {
      const subscription = given.pastDue();
      expect(subscription.dunningAttemptDue(firstRetryAt)).to.deep.equal({
        periodIndex: 2,
        attempt: 2,
        amount: 2_900,
        currency: 'EUR',
      });
    });

    it('[P3] next attempt fails with attempts left: stays past_due — SubscriptionPastDue', () => {
      const subscription = given.pastDue();
      expect(subscription.recordPaymentFailed(2, 2, firstRetryAt, dunning)).to.equal(true);
      expect(subscription.status).to.equal('past_due');
      expect(subscription.dunning).to.deep.equal({ periodIndex: 2, attempt: 2, nextAttemptAt: plus(firstRetryAt, 3 * DAY_MS) });
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionPastDue', attempt: 2 });
    });

    it('[P4] last attempt fails: canceled — SubscriptionCanceled(dunning_exhausted)', () => {
      const subscription = given.pastDue();
      const now = plus(PERIOD_1_END, 9 * DAY_MS);
      expect(subscription.recordPaymentFailed(2, 4, now, dunning)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.dunning).to.equal(null);
      expect(subscription.pullEvents()).to.deep.equal([
        {
          type: 'SubscriptionCanceled',
          ...base,
          occurredAt: now,
          planId: 'plan-pro',
          planVersion: 1,
          status: 'canceled',
          reason: 'dunning_exhausted',
          effectiveAt: now,
          lastPaidPeriodIndex: 1,
        },
      ]);
    });

    it('[P5] failure for an attempt already recorded: no-op', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.recordPaymentFailed(2, 1, firstRetryAt, dunning));
    });

    it('[P6] payment succeeds: active again, dunning cleared — SubscriptionRenewed', () => {
      const subscription = given.pastDue();
      expect(subscription.recordPaymentSucceeded(2, firstRetryAt)).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.dunning).to.equal(null);
      // The anchor does not move: a late payment still buys the period that started at the old period end.
      expect(subscription.currentPeriod).to.deep.equal({ index: 2, start: PERIOD_1_END, end: PERIOD_2_END });
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionRenewed' });
    });

    it('[P6] payment succeeds after a failed trial conversion: active — SubscriptionActivated', () => {
      const subscription = given.trialEnded();
      subscription.recordPaymentFailed(1, 1, TRIAL_ENDS_AT, dunning);
      subscription.pullEvents();
      expect(subscription.recordPaymentSucceeded(1, plus(TRIAL_ENDS_AT, DAY_MS))).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.currentPeriod?.start).to.deep.equal(TRIAL_ENDS_AT);
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionActivated' });
    });

    it('[P7] payment for a period already paid: no-op', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.recordPaymentSucceeded(1, firstRetryAt));
    });

    it('[P8] renewal check: no-op', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.markRenewalDue(plus(PERIOD_2_END, DAY_MS)));
    });

    it('[P9] cancel now: canceled — SubscriptionCanceled(requested_immediately)', () => {
      const subscription = given.pastDue();
      expect(subscription.cancel('now', firstRetryAt)).to.equal(true);
      expect(subscription.status).to.equal('canceled');
      expect(subscription.dunning).to.equal(null);
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionCanceled', reason: 'requested_immediately' });
    });

    it('[P10] cancel at period end: INVALID_TRANSITION (the period has ended)', () => {
      const subscription = given.pastDue();
      expectRefused(subscription, () => subscription.cancel('at_period_end', firstRetryAt), 'INVALID_TRANSITION');
    });

    it('[P11] resume: no-op', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.resume(firstRetryAt));
    });

    it('[P12] change plan: INVALID_TRANSITION', () => {
      const subscription = given.pastDue();
      expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), firstRetryAt), 'INVALID_TRANSITION');
    });

    it('[P13] expiry check: no-op', () => {
      const subscription = given.pastDue();
      expectNoOp(subscription, () => subscription.expireIfUnpaid(firstRetryAt));
    });
  });

  for (const { status, build, paidPeriod } of [
    { status: 'canceled', build: given.canceled, paidPeriod: 1 },
    { status: 'incomplete_expired', build: given.expired, paidPeriod: null },
  ]) {
    describe(`when ${status}`, () => {
      const later = plus(PERIOD_2_END, DAY_MS);

      it('[X1] cancel (either mode): SUBSCRIPTION_ALREADY_CANCELED', () => {
        const subscription = build();
        expectRefused(subscription, () => subscription.cancel('now', later), 'SUBSCRIPTION_ALREADY_CANCELED');
        expectRefused(subscription, () => subscription.cancel('at_period_end', later), 'SUBSCRIPTION_ALREADY_CANCELED');
      });

      it('[X2] resume: SUBSCRIPTION_ALREADY_CANCELED', () => {
        const subscription = build();
        expectRefused(subscription, () => subscription.resume(later), 'SUBSCRIPTION_ALREADY_CANCELED');
      });

      it('[X3] payment for a period not yet paid: INVALID_TRANSITION (money for an ended subscription)', () => {
        const subscription = build();
        const nextUnpaid = (paidPeriod ?? 0) + 1;
        expectRefused(subscription, () => subscription.recordPaymentSucceeded(nextUnpaid, later), 'INVALID_TRANSITION');
      });

      if (paidPeriod !== null) {
        it('[X4] payment for a period already paid: no-op', () => {
          const subscription = build();
          expectNoOp(subscription, () => subscription.recordPaymentSucceeded(paidPeriod, later));
        });
      }

      it('[X5] payment failure: no-op', () => {
        const subscription = build();
        expectNoOp(subscription, () => subscription.recordPaymentFailed(1, 1, later, dunning));
        expectNoOp(subscription, () => subscription.recordPaymentFailed(2, 2, later, dunning));
      });

      it('[X6] renewal check: no-op', () => {
        const subscription = build();
        expectNoOp(subscription, () => subscription.markRenewalDue(later));
      });

      it('[X7] expiry check: no-op', () => {
        const subscription = build();
        expectNoOp(subscription, () => subscription.expireIfUnpaid(later));
      });

      it('[X8] change plan: INVALID_TRANSITION', () => {
        const subscription = build();
        expectRefused(subscription, () => subscription.changePlan(aHigherPlan(), later), 'INVALID_TRANSITION');
      });

      it('[X9] dunning check: nothing due', () => {
        const subscription = build();
        expectNoOp(subscription, () => subscription.dunningAttemptDue(later), null);
      });
    });
  }
});
