import { expect } from 'chai';
import { at, expectDomainError, givenPaymentIn, INTENT_ID, SUBSCRIPTION_FACTS, typesOf } from './payment.test-fixtures';

const FACTS = { ...SUBSCRIPTION_FACTS, gatewayPaymentIntentId: INTENT_ID, attempt: 1 };

describe('Payment disputes', () => {
  describe('given a succeeded payment, when a dispute opens', () => {
    it('records PaymentDisputed with the dispute id, status and disputed amount', () => {
      const payment = givenPaymentIn('succeeded');
      expect(payment.recordDispute('dp_1', 'needs_response', 2_900, { observedAt: at(70), chargeId: 'ch_1' })).to.equal(true);
      expect(payment.pullEvents()).to.deep.equal([
        {
          type: 'PaymentDisputed',
          ...FACTS,
          occurredAt: at(70),
          disputeId: 'dp_1',
          chargeId: 'ch_1',
          disputeStatus: 'needs_response',
          amountDisputed: 2_900,
          inquiry: false,
        },
      ]);
    });

    it('flags an inquiry (warning_*) as such', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordDispute('dp_1', 'warning_needs_response', 100, { observedAt: at(70) });
      expect(payment.pullEvents()[0]).to.include({ type: 'PaymentDisputed', inquiry: true });
    });
  });

  describe('given an open dispute', () => {
    it('ignores the same open status again', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordDispute('dp_1', 'needs_response', 2_900, { observedAt: at(70) });
      payment.pullEvents();
      expect(payment.recordDispute('dp_1', 'needs_response', 2_900, { observedAt: at(71) })).to.equal(false);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('stores a move to under_review without an event', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordDispute('dp_1', 'needs_response', 2_900, { observedAt: at(70) });
      payment.pullEvents();
      expect(payment.recordDispute('dp_1', 'under_review', 2_900, { observedAt: at(71) })).to.equal(true);
      expect(payment.pullEvents()).to.deep.equal([]);
      expect(payment.toState().disputes[0]?.status).to.equal('under_review');
    });

    it('records PaymentDisputeClosed when it closes, once; a late open status then changes nothing', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordDispute('dp_1', 'needs_response', 2_900, { observedAt: at(70) });
      payment.recordDispute('dp_1', 'lost', 2_900, { observedAt: at(80) });
      expect(payment.recordDispute('dp_1', 'lost', 2_900, { observedAt: at(81) })).to.equal(false);
      expect(payment.recordDispute('dp_1', 'under_review', 2_900, { observedAt: at(82) })).to.equal(false);
      const events = payment.pullEvents();
      expect(typesOf(events)).to.deep.equal(['PaymentDisputed', 'PaymentDisputeClosed']);
      expect(events[1]).to.deep.equal({
        type: 'PaymentDisputeClosed',
        ...FACTS,
        occurredAt: at(80),
        disputeId: 'dp_1',
        chargeId: null,
        disputeStatus: 'lost',
        amountDisputed: 2_900,
      });
    });
  });

  describe('when a dispute is first seen already closed', () => {
    it('records PaymentDisputed then PaymentDisputeClosed, so every close has an open', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordDispute('dp_1', 'won', 500, { observedAt: at(90) });
      expect(typesOf(payment.pullEvents())).to.deep.equal(['PaymentDisputed', 'PaymentDisputeClosed']);
    });
  });

  describe('when the dispute is invalid', () => {
    it('refuses a dispute on a payment that has not succeeded with PAYMENT_NOT_SUCCEEDED', () => {
      expectDomainError(() => givenPaymentIn('processing').recordDispute('dp_1', 'needs_response', 100, { observedAt: at(70) }), 'PAYMENT_NOT_SUCCEEDED');
    });

    it('refuses more than the payment amount with DISPUTE_EXCEEDS_AMOUNT', () => {
      expectDomainError(() => givenPaymentIn('succeeded').recordDispute('dp_1', 'needs_response', 2_901, { observedAt: at(70) }), 'DISPUTE_EXCEEDS_AMOUNT');
    });

    it('refuses an unknown status with INVALID_STATUS', () => {
      expectDomainError(() => givenPaymentIn('succeeded').recordDispute('dp_1', 'charge_refunded' as never, 100, { observedAt: at(70) }), 'INVALID_STATUS');
    });
  });
});
