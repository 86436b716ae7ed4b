import { expect } from 'chai';
import { Payment } from './payment.aggregate';
import { at, expectDomainError, givenPaymentIn } from './payment.test-fixtures';

describe('Payment persistence', () => {
  describe('when stored state is reconstituted', () => {
    it('round-trips without recording events, and further calls behave the same', () => {
      const original = givenPaymentIn('succeeded');
      original.recordRefund('re_1', 100, { observedAt: at(50) });
      original.recordDispute('dp_1', 'needs_response', 200, { observedAt: at(51) });
      const copy = Payment.reconstitute(original.toState());
      expect(copy.toState()).to.deep.equal(original.toState());
      expect(copy.pullEvents()).to.deep.equal([]);
      expect(copy.recordRefund('re_1', 100, { observedAt: at(60) })).to.equal(false);
    });

    it('does not share mutable state with the caller', () => {
      const state = givenPaymentIn('succeeded').toState();
      const payment = Payment.reconstitute(state);
      state.refunds.push({ refundId: 're_x', chargeId: null, amount: 1, recordedAt: at(1) });
      state.statusObservedAt.setTime(0);
      expect([payment.totalRefunded, payment.statusObservedAt]).to.deep.equal([0, at(10)]);
    });
  });

  describe('when stored state breaks an invariant', () => {
    it('refuses refunds above the amount with INVARIANT_VIOLATION', () => {
      const state = givenPaymentIn('succeeded').toState();
      state.refunds.push({ refundId: 're_1', chargeId: null, amount: 3_000, recordedAt: at(1) });
      expectDomainError(() => Payment.reconstitute(state), 'INVARIANT_VIOLATION');
    });

    it('refuses a non-initial status without an intent and a reference key that does not match', () => {
      const state = givenPaymentIn('processing').toState();
      expectDomainError(() => Payment.reconstitute({ ...state, gatewayPaymentIntentId: null }), 'INVARIANT_VIOLATION');
      expectDomainError(() => Payment.reconstitute({ ...state, referenceKey: 'subscription:other:period:1' }), 'INVARIANT_VIOLATION');
    });
  });
});
