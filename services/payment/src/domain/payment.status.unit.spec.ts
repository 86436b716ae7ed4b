import { expect } from 'chai';
import {
  at,
  expectDomainError,
  givenOpenPayment,
  givenPaymentIn,
  INTENT_ID,
  SUBSCRIPTION_FACTS,
  typesOf,
} from './payment.test-fixtures';

const INTENT_FACTS = { ...SUBSCRIPTION_FACTS, gatewayPaymentIntentId: INTENT_ID, attempt: 1 };
const CARD_DECLINED = { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.', chargeId: 'ch_1' };

describe('Payment status', () => {
  describe('given requires_payment_method', () => {
    it('moves to processing without an event', () => {
      const payment = givenOpenPayment();
      expect(payment.observeIntentStatus('processing', { observedAt: at(5) })).to.equal(true);
      expect([payment.status, payment.statusObservedAt]).to.deep.equal(['processing', at(5)]);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('moves straight to succeeded, recording PaymentSucceeded with every integration field', () => {
      const payment = givenOpenPayment();
      expect(payment.observeIntentStatus('succeeded', { observedAt: at(5) })).to.equal(true);
      expect(payment.pullEvents()).to.deep.equal([{ type: 'PaymentSucceeded', ...INTENT_FACTS, occurredAt: at(5) }]);
    });

    it('moves to canceled, recording PaymentCanceled with the reason', () => {
      const payment = givenOpenPayment();
      payment.observeIntentStatus('canceled', { observedAt: at(5), cancellationReason: 'abandoned' });
      expect(payment.pullEvents()).to.deep.equal([{ type: 'PaymentCanceled', ...INTENT_FACTS, occurredAt: at(5), cancellationReason: 'abandoned' }]);
    });

    it('ignores requires_payment_method again', () => {
      const payment = givenOpenPayment();
      expect(payment.observeIntentStatus('requires_payment_method', { observedAt: at(5) })).to.equal(false);
      expect(payment.statusObservedAt).to.deep.equal(new Date('2030-01-01T00:00:00.000Z'));
    });
  });

  describe('given processing', () => {
    it('moves to succeeded — PaymentSucceeded', () => {
      const payment = givenPaymentIn('processing');
      payment.observeIntentStatus('succeeded', { observedAt: at(20) });
      expect(typesOf(payment.pullEvents())).to.deep.equal(['PaymentSucceeded']);
    });

    it('moves to failed — PaymentFailed with the decline code as reason and the attempt', () => {
      const payment = givenPaymentIn('processing');
      payment.observeIntentStatus('failed', { observedAt: at(20), failure: CARD_DECLINED });
      expect(payment.pullEvents()).to.deep.equal([
        {
          type: 'PaymentFailed',
          ...INTENT_FACTS,
          occurredAt: at(20),
          reason: 'insufficient_funds',
          failureCode: 'card_declined',
          declineCode: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      ]);
      expect(payment.failure).to.deep.equal({ ...CARD_DECLINED, attempt: 1, failedAt: at(20) });
    });

    it('records a generic failure when the gateway gave no details', () => {
      const payment = givenPaymentIn('processing');
      payment.observeIntentStatus('failed', { observedAt: at(20) });
      expect(payment.pullEvents()[0]).to.include({ type: 'PaymentFailed', reason: 'payment_failed' });
    });

    it('ignores a late requires_payment_method', () => {
      const payment = givenPaymentIn('processing');
      expect(payment.observeIntentStatus('requires_payment_method', { observedAt: at(20) })).to.equal(false);
      expect(payment.status).to.equal('processing');
    });
  });

  describe('given succeeded (terminal)', () => {
    for (const late of ['requires_payment_method', 'processing', 'failed', 'canceled', 'succeeded'] as const) {
      it(`ignores a late ${late}: false, no event, still succeeded`, () => {
        const payment = givenPaymentIn('succeeded');
        const before = payment.toState();
        expect(payment.observeIntentStatus(late, { observedAt: at(99) })).to.equal(false);
        expect(payment.pullEvents()).to.deep.equal([]);
        expect(payment.toState()).to.deep.equal(before);
      });
    }
  });

  describe('given canceled (terminal)', () => {
    it('ignores succeeded and failed', () => {
      const payment = givenPaymentIn('canceled');
      expect(payment.observeIntentStatus('succeeded', { observedAt: at(99) })).to.equal(false);
      expect(payment.observeIntentStatus('failed', { observedAt: at(99) })).to.equal(false);
      expect([payment.status, payment.pullEvents()]).to.deep.equal(['canceled', []]);
    });
  });

  describe('given failed', () => {
    it('ignores a late processing and a repeated failure', () => {
      const payment = givenPaymentIn('failed');
      expect(payment.observeIntentStatus('processing', { observedAt: at(30) })).to.equal(false);
      expect(payment.observeIntentStatus('failed', { observedAt: at(30) })).to.equal(false);
      expect([payment.status, payment.pullEvents()]).to.deep.equal(['failed', []]);
    });

    it('on-session: still moves to succeeded when the customer pays with another card', () => {
      const payment = givenPaymentIn('failed');
      expect(payment.observeIntentStatus('succeeded', { observedAt: at(30) })).to.equal(true);
      expect(typesOf(payment.pullEvents())).to.deep.equal(['PaymentSucceeded']);
    });

    it('on-session: retry() starts attempt 2 (PaymentRetried), and its failure records PaymentFailed{attempt 2}', () => {
      const payment = givenPaymentIn('failed');
      payment.retry({ observedAt: at(30) });
      expect([payment.status, payment.attempt, payment.canRetry]).to.deep.equal(['requires_payment_method', 2, false]);
      payment.observeIntentStatus('processing', { observedAt: at(31) });
      payment.observeIntentStatus('failed', { observedAt: at(32), failure: CARD_DECLINED });
      const events = payment.pullEvents();
      expect(typesOf(events)).to.deep.equal(['PaymentRetried', 'PaymentFailed']);
      expect(events.map((event) => ('attempt' in event ? event.attempt : null))).to.deep.equal([2, 2]);
      expect(payment.failure?.attempt).to.equal(2);
    });

    it('off-session: refuses retry() with PAYMENT_NOT_RETRYABLE (the next attempt is a new payment)', () => {
      const payment = givenPaymentIn('failed', { offSession: true, attempt: 2 });
      expect(payment.canRetry).to.equal(false);
      expectDomainError(() => payment.retry({ observedAt: at(30) }), 'PAYMENT_NOT_RETRYABLE');
      expect(payment.status).to.equal('failed');
    });
  });

  describe('when retry() is called on a payment that has not failed', () => {
    it('refuses it with PAYMENT_NOT_RETRYABLE', () => {
      expectDomainError(() => givenPaymentIn('succeeded').retry({ observedAt: at(30) }), 'PAYMENT_NOT_RETRYABLE');
      expectDomainError(() => givenOpenPayment().retry({ observedAt: at(30) }), 'PAYMENT_NOT_RETRYABLE');
    });
  });

  describe('when the status is not one of ours', () => {
    it('refuses it with INVALID_STATUS', () => {
      expectDomainError(() => givenOpenPayment().observeIntentStatus('requires_action' as never, { observedAt: at(1) }), 'INVALID_STATUS');
    });
  });

  describe('when the same succeeded is observed three times', () => {
    it('records PaymentSucceeded once', () => {
      const payment = givenPaymentIn('processing');
      const changes = [1, 2, 3].map((n) => payment.observeIntentStatus('succeeded', { observedAt: at(40 + n) }));
      expect(changes).to.deep.equal([true, false, false]);
      expect(typesOf(payment.pullEvents())).to.deep.equal(['PaymentSucceeded']);
    });
  });
});
