/**
 * Whole journeys with a fake clock, the way the scheduler and the payment consumer will drive the aggregate:
 * the scheduler calls markRenewalDue / dunningAttemptDue on every tick, payment results arrive at least once and
 * in any order.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { SubscriptionDomainEvent } from './events/subscription.domain-event';
import { DomainError } from './subscription.errors';
import {
  aHigherPlan,
  aLowerPlan,
  aPlan,
  DAY_MS,
  dunning,
  given,
  HOUR_MS,
  PAID_AT,
  PERIOD_1_END,
  PERIOD_2_END,
  plus,
  TRIAL_ENDS_AT,
} from './subscription.test-fixtures';

class FakeClock {
  constructor(private current: Date) {}

  now(): Date {
    return this.current;
  }

  advance(ms: number): Date {
    this.current = plus(this.current, ms);
    return this.current;
  }
}

const ofType = <T extends SubscriptionDomainEvent['type']>(events: SubscriptionDomainEvent[], type: T) =>
  events.filter((event): event is Extract<SubscriptionDomainEvent, { type: T }> => event.type === type);

/** Deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/**
 * Twelve monthly renewals: every day the scheduler checks for a due renewal, then the payment inbox delivers
 * what it holds in the given order. A payment ahead of the aggregate is refused (PERIOD_NOT_DUE) and redelivered
 * on a later tick, as a consumer retry would.
 */
function runTwelveMonths(deliveries: readonly number[]) {
  const subscription = given.active();
  const clock = new FakeClock(PAID_AT);
  const events: SubscriptionDomainEvent[] = [];
  let inbox = [...deliveries];
  let accepted = 0;
  const lastDay = new Date('2026-02-20T00:00:00.000Z'); // inside period 13, before it ends
  while (clock.now() < lastDay) {
    const now = clock.advance(DAY_MS);
    subscription.markRenewalDue(now);
    const redeliver: number[] = [];
    for (const periodIndex of inbox) {
      try {
        if (subscription.recordPaymentSucceeded(periodIndex, now)) accepted += 1;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'PERIOD_NOT_DUE')) throw error;
        redeliver.push(periodIndex);
      }
    }
    inbox = redeliver;
    events.push(...subscription.pullEvents());
  }
  return { subscription, events, inbox, accepted };
}

const renewalPeriods = Array.from({ length: 12 }, (_, i) => i + 2); // periods 2..13
const twicePerPeriod = [...renewalPeriods, ...renewalPeriods];

describe('Subscription lifecycle', () => {
  describe('when active for twelve monthly renewals', () => {
    it('records exactly 12 RenewalDue and, from 24 shuffled duplicate payments, exactly 12 Renewed, one per period', () => {
      const { subscription, events, inbox, accepted } = runTwelveMonths(shuffled(twicePerPeriod, 20250131));

      const due = ofType(events, 'SubscriptionRenewalDue');
      expect(due.map((event) => event.periodIndex)).to.deep.equal(renewalPeriods);
      const renewed = ofType(events, 'SubscriptionRenewed');
      expect(renewed.map((event) => event.period.index)).to.deep.equal(renewalPeriods);
      expect(accepted).to.equal(12);
      expect(inbox).to.deep.equal([]);
      // Anchored on Jan 31: month ends are clamped and the day comes back to the 31st.
      expect(renewed.map((event) => event.period.start.toISOString().slice(0, 10))).to.deep.equal([
        '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31', '2025-06-30', '2025-07-31',
        '2025-08-31', '2025-09-30', '2025-10-31', '2025-11-30', '2025-12-31', '2026-01-31',
      ]);
      expect(renewed.reduce((sum, event) => sum + event.credits, 0)).to.equal(12_000);
      expect(due.every((event) => event.amount === 2_900 && event.currency === 'EUR')).to.equal(true);
      expect(subscription.currentPeriod?.index).to.equal(13);
      expect(events.map((event) => event.type).filter((type) => type !== 'SubscriptionRenewalDue' && type !== 'SubscriptionRenewed')).to.deep.equal([]);
    });

    it('renews each period exactly once for any delivery order', () => {
      fc.assert(
        fc.property(fc.shuffledSubarray(twicePerPeriod, { minLength: 24, maxLength: 24 }), (deliveries) => {
          const { events, inbox, accepted } = runTwelveMonths(deliveries);
          expect(ofType(events, 'SubscriptionRenewalDue').map((event) => event.periodIndex)).to.deep.equal(renewalPeriods);
          expect(ofType(events, 'SubscriptionRenewed').map((event) => event.period.index)).to.deep.equal(renewalPeriods);
          expect([accepted, inbox.length]).to.deep.equal([12, 0]);
        }),
        { numRuns: 20 },
      );
    });
  });

  describe('when canceled at period end', () => {
    it('cancels at that end and asks for no renewal afterwards', () => {
      const subscription = given.active();
      const clock = new FakeClock(PAID_AT);
      subscription.cancel('at_period_end', clock.advance(10 * DAY_MS));
      const events: SubscriptionDomainEvent[] = [];
      for (let day = 0; day < 120; day++) {
        subscription.markRenewalDue(clock.advance(DAY_MS));
        events.push(...subscription.pullEvents());
      }
      expect(events.map((event) => event.type)).to.deep.equal(['SubscriptionCanceled']);
      expect(events[0]).to.deep.include({ reason: 'requested_at_period_end', effectiveAt: PERIOD_1_END });
      expect(subscription.status).to.equal('canceled');
      expect(() => subscription.recordPaymentSucceeded(2, clock.now())).to.throw(DomainError).with.property('code', 'INVALID_TRANSITION');
    });
  });

  describe('when every dunning attempt fails', () => {
    it('retries after 1, 3 and 5 days, then cancels with dunning_exhausted', () => {
      const subscription = given.renewalDue();
      const clock = new FakeClock(PERIOD_1_END);
      subscription.recordPaymentFailed(2, 1, clock.now(), dunning);
      const events = subscription.pullEvents();
      for (let hour = 0; hour < 20 * 24; hour++) {
        const now = clock.advance(HOUR_MS);
        subscription.markRenewalDue(now);
        const retry = subscription.dunningAttemptDue(now);
        if (retry) subscription.recordPaymentFailed(retry.periodIndex, retry.attempt, now, dunning);
        events.push(...subscription.pullEvents());
      }
      expect(ofType(events, 'SubscriptionPastDue').map((event) => [event.attempt, event.occurredAt, event.nextAttemptAt])).to.deep.equal([
        [1, PERIOD_1_END, plus(PERIOD_1_END, DAY_MS)],
        [2, plus(PERIOD_1_END, DAY_MS), plus(PERIOD_1_END, 4 * DAY_MS)],
        [3, plus(PERIOD_1_END, 4 * DAY_MS), plus(PERIOD_1_END, 9 * DAY_MS)],
      ]);
      expect(events.map((event) => event.type).at(-1)).to.equal('SubscriptionCanceled');
      expect(events.at(-1)).to.deep.include({ reason: 'dunning_exhausted', effectiveAt: plus(PERIOD_1_END, 9 * DAY_MS) });
      expect(subscription.status).to.equal('canceled');
    });
  });

  describe('when a dunning retry succeeds', () => {
    it('returns to active on the same anchor and renews on schedule', () => {
      const subscription = given.pastDue();
      subscription.recordPaymentFailed(2, 2, plus(PERIOD_1_END, DAY_MS), dunning);
      expect(subscription.recordPaymentSucceeded(2, plus(PERIOD_1_END, 4 * DAY_MS))).to.equal(true);
      expect(subscription.status).to.equal('active');
      expect(subscription.renewalDueAt).to.deep.equal(PERIOD_2_END);
      subscription.pullEvents();
      subscription.markRenewalDue(PERIOD_2_END);
      expect(subscription.pullEvents()[0]).to.include({ type: 'SubscriptionRenewalDue', periodIndex: 3 });
    });
  });

  describe('when trialing', () => {
    it('owes nothing during the trial, then bills period 1 from the trial end', () => {
      const subscription = given.trialing();
      const clock = new FakeClock(subscription.toState().createdAt);
      const events: SubscriptionDomainEvent[] = [];
      for (let hour = 0; hour < 15 * 24; hour++) {
        subscription.markRenewalDue(clock.advance(HOUR_MS));
        events.push(...subscription.pullEvents());
      }
      expect(events.map((event) => event.type)).to.deep.equal(['SubscriptionRenewalDue']);
      expect(events[0]).to.deep.include({ periodIndex: 1, occurredAt: TRIAL_ENDS_AT, periodStart: TRIAL_ENDS_AT });

      subscription.recordPaymentSucceeded(1, clock.now());
      const [activated] = ofType(subscription.pullEvents(), 'SubscriptionActivated');
      expect(activated?.period.start).to.deep.equal(TRIAL_ENDS_AT);
      expect(subscription.renewalDueAt).to.deep.equal(activated?.period.end);
    });
  });

  describe('when period 1 of a plan with a low-balance threshold is paid', () => {
    it('carries the threshold on SubscriptionActivated, for credit to give the account', () => {
      const subscription = given.incomplete(aPlan({ lowBalanceThreshold: 150 }));
      subscription.recordPaymentSucceeded(1, PAID_AT);
      const [activated] = ofType(subscription.pullEvents(), 'SubscriptionActivated');
      expect(activated).to.deep.include({ creditsPerPeriod: 1_000, lowBalanceThreshold: 150 });
    });

    it('carries null for a plan without one', () => {
      const subscription = given.incomplete();
      subscription.recordPaymentSucceeded(1, PAID_AT);
      expect(ofType(subscription.pullEvents(), 'SubscriptionActivated')[0]?.lowBalanceThreshold).to.equal(null);
    });
  });

  describe('when upgraded mid-period', () => {
    it('charges the prorated difference, grants the prorated credits once paid, and bills the new price from the next period', () => {
      const subscription = given.active();
      subscription.changePlan(aLowerPlan(), PAID_AT);
      const requestedAt = plus(PERIOD_1_END, -14 * DAY_MS); // half of a 28-day period left
      expect(subscription.changePlan(aHigherPlan(), requestedAt, 'chg-1')).to.equal('payment_pending');
      const [requested] = ofType(subscription.pullEvents(), 'SubscriptionUpgradeRequested');
      expect(requested).to.include({ amount: 3_500, proratedCredits: 2_500 });
      expect(subscription.recordUpgradePaymentSucceeded('chg-1', { amount: 3_500, currency: 'EUR' }, plus(requestedAt, 1_000))).to.equal(true);
      const [changed] = ofType(subscription.pullEvents(), 'SubscriptionPlanChanged');
      expect(changed?.proratedCredits).to.equal(2_500);
      expect(subscription.pendingDowngrade).to.equal(null);

      subscription.markRenewalDue(PERIOD_1_END);
      subscription.recordPaymentSucceeded(2, PERIOD_1_END, { amount: 9_900, currency: 'EUR' });
      const events = subscription.pullEvents();
      expect(events[0]).to.include({ type: 'SubscriptionRenewalDue', planId: 'plan-max', amount: 9_900 });
      expect(events[1]).to.include({ type: 'SubscriptionRenewed', planId: 'plan-max', credits: 5_000 });
    });

    it('keeps the old plan and its price when the upgrade payment fails, and may be upgraded again', () => {
      const subscription = given.active();
      const requestedAt = plus(PERIOD_1_END, -14 * DAY_MS);
      subscription.changePlan(aHigherPlan(), requestedAt, 'chg-1');
      subscription.recordUpgradePaymentFailed('chg-1', 'card_declined', plus(requestedAt, 1_000));
      expect(subscription.plan.planId).to.equal('plan-pro');
      expect(subscription.changePlan(aHigherPlan(), plus(requestedAt, 2_000), 'chg-2')).to.equal('payment_pending');
      subscription.pullEvents();
      subscription.recordUpgradePaymentFailed('chg-2', 'card_declined', plus(requestedAt, 3_000));
      subscription.markRenewalDue(PERIOD_1_END);
      expect(ofType(subscription.pullEvents(), 'SubscriptionRenewalDue')[0]).to.include({ planId: 'plan-pro', amount: 2_900 });
    });

    it('treats a pricier new version of the same plan as an upgrade', () => {
      const v1 = aPlan();
      const subscription = given.active(v1);
      const v2 = v1.revise({ price: { amount: 3_900, currency: 'EUR' }, creditsPerPeriod: 2_800 });
      expect(subscription.changePlan(v2, plus(PERIOD_1_END, -7 * DAY_MS), 'chg-1')).to.equal('payment_pending');
      expect(subscription.pullEvents()[0]).to.deep.include({
        fromPlan: { planId: 'plan-pro', version: 1 },
        toPlan: { planId: 'plan-pro', version: 2 },
        amount: 250,
        proratedCredits: 700,
      });
    });
  });

  describe('when downgraded', () => {
    it('keeps the current plan to the period end, then bills and grants the lower plan, even after a failed charge', () => {
      const subscription = given.active();
      expect(subscription.changePlan(aLowerPlan(), plus(PAID_AT, DAY_MS))).to.equal('scheduled_at_period_end');
      expect(subscription.pullEvents()).to.deep.equal([]);

      subscription.markRenewalDue(PERIOD_1_END);
      subscription.recordPaymentFailed(2, 1, PERIOD_1_END, dunning);
      expect(subscription.dunningAttemptDue(plus(PERIOD_1_END, DAY_MS))).to.include({ attempt: 2, amount: 900 });
      subscription.recordPaymentSucceeded(2, plus(PERIOD_1_END, DAY_MS));
      subscription.markRenewalDue(PERIOD_2_END);

      const events = subscription.pullEvents();
      expect(events.map((event) => event.type)).to.deep.equal([
        'SubscriptionRenewalDue',
        'SubscriptionPastDue',
        'SubscriptionPlanChanged',
        'SubscriptionRenewed',
        'SubscriptionRenewalDue',
      ]);
      expect(events.map((event) => ('amount' in event ? event.amount : null))).to.deep.equal([900, 900, null, 900, 900]);
      expect(ofType(events, 'SubscriptionRenewed')[0]).to.include({ credits: 200, creditRollover: true });
      expect(subscription.plan.planId).to.equal('plan-lite');
    });
  });
});
