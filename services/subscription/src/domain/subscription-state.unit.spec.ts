import { expect } from 'chai';
import { Money } from './money.value-object';
import { Subscription } from './subscription.aggregate';
import { InvalidSubscriptionStateError } from './subscription.errors';
import type { SubscriptionState } from './subscription-state';
import { aLowerPlan, given, PAID_AT, PERIOD_1_END } from './subscription.test-fixtures';

describe('Subscription.reconstitute', () => {
  describe('when given the state of any reachable subscription', () => {
    it('rebuilds an equal subscription that records no events', () => {
      const withDowngrade = given.active();
      withDowngrade.changePlan(aLowerPlan(), PAID_AT);
      withDowngrade.pullEvents();
      const subscriptions = [
        given.incomplete(),
        given.trialing(),
        given.trialEnded(),
        given.active(),
        given.renewalDue(),
        given.pastDue(),
        given.canceled(),
        given.expired(),
        withDowngrade,
      ];
      for (const subscription of subscriptions) {
        const copy = Subscription.reconstitute(subscription.toState());
        expect(copy.toState()).to.deep.equal(subscription.toState());
        expect(copy.pullEvents()).to.deep.equal([]);
      }
    });

    it('behaves like the original', () => {
      const copy = Subscription.reconstitute(given.renewalDue().toState());
      expect(copy.markRenewalDue(PERIOD_1_END)).to.equal(false);
      expect(copy.recordPaymentSucceeded(2, PERIOD_1_END)).to.equal(true);
    });
  });

  describe('when the stored state breaks an invariant', () => {
    const corrupt = (change: (state: SubscriptionState) => SubscriptionState): unknown => {
      try {
        Subscription.reconstitute(change(given.active().toState()));
      } catch (error) {
        return error;
      }
      return undefined;
    };

    it('refuses it with INVALID_SUBSCRIPTION_STATE', () => {
      const cases: Array<[string, (state: SubscriptionState) => SubscriptionState]> = [
        ['unknown status', (s) => ({ ...s, status: 'paused' as never })],
        ['past_due without dunning', (s) => ({ ...s, status: 'past_due' })],
        ['period off its anchor', (s) => ({ ...s, currentPeriod: { index: 1, start: s.createdAt, end: PERIOD_1_END } })],
        ['due index two ahead', (s) => ({ ...s, lastDuePeriodIndex: 3 })],
        ['plain price object', (s) => ({ ...s, plan: { ...s.plan, price: { amount: 1, currency: 'EUR' } as Money } })],
        ['canceled without cancellation', (s) => ({ ...s, status: 'canceled' })],
        ['downgrade in another currency', (s) => ({ ...s, pendingDowngrade: { ...s.plan, planId: 'x', price: Money.of(1, 'USD') } })],
      ];
      for (const [name, change] of cases) {
        const error = corrupt(change);
        expect(error, name).to.be.instanceOf(InvalidSubscriptionStateError);
        expect((error as InvalidSubscriptionStateError).code).to.equal('INVALID_SUBSCRIPTION_STATE');
      }
    });
  });
});
