import { expect } from 'chai';
import { at, expectDomainError, givenOpenPayment, givenPaymentIn, INTENT_ID, SUBSCRIPTION_FACTS, typesOf } from './payment.test-fixtures';

describe('Payment refunds', () => {
  describe('given a succeeded payment of 2900', () => {
    it('records a partial refund — PaymentRefunded with this refund and the total', () => {
      const payment = givenPaymentIn('succeeded');
      expect(payment.recordRefund('re_1', 900, { observedAt: at(50), chargeId: 'ch_1' })).to.equal(true);
      expect(payment.pullEvents()).to.deep.equal([
        {
          type: 'PaymentRefunded',
          ...SUBSCRIPTION_FACTS,
          gatewayPaymentIntentId: INTENT_ID,
          attempt: 1,
          occurredAt: at(50),
          refundId: 're_1',
          chargeId: 'ch_1',
          amountRefunded: 900,
          totalRefunded: 900,
          fullyRefunded: false,
        },
      ]);
    });

    it('adds later refunds up to the full amount, the last one marked fullyRefunded', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordRefund('re_1', 900, { observedAt: at(50) });
      payment.recordRefund('re_2', 2_000, { observedAt: at(51) });
      const last = payment.pullEvents().at(-1);
      expect(last).to.include({ amountRefunded: 2_000, totalRefunded: 2_900, fullyRefunded: true });
      expect(payment.totalRefunded).to.equal(2_900);
    });

    it('is idempotent per refund id: the same refund again is false and records nothing', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordRefund('re_1', 900, { observedAt: at(50) });
      expect(payment.recordRefund('re_1', 900, { observedAt: at(60) })).to.equal(false);
      expect(typesOf(payment.pullEvents())).to.deep.equal(['PaymentRefunded']);
      expect(payment.totalRefunded).to.equal(900);
    });

    it('refuses the same refund id with another amount with REFUND_CONFLICT', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordRefund('re_1', 900, { observedAt: at(50) });
      expectDomainError(() => payment.recordRefund('re_1', 901, { observedAt: at(60) }), 'REFUND_CONFLICT');
    });
  });

  describe('when refunds would exceed the amount', () => {
    it('refuses the refund with REFUND_EXCEEDS_AMOUNT and changes nothing', () => {
      const payment = givenPaymentIn('succeeded');
      payment.recordRefund('re_1', 2_000, { observedAt: at(50) });
      payment.pullEvents();
      const before = payment.toState();
      const error = expectDomainError(() => payment.recordRefund('re_2', 901, { observedAt: at(51) }), 'REFUND_EXCEEDS_AMOUNT');
      expect(error.details).to.include({ requested: 901, refundable: 900 });
      expect(payment.toState()).to.deep.equal(before);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('refuses a single refund above the amount', () => {
      expectDomainError(() => givenPaymentIn('succeeded').recordRefund('re_1', 2_901, { observedAt: at(50) }), 'REFUND_EXCEEDS_AMOUNT');
    });
  });

  describe('when the payment has not succeeded', () => {
    for (const status of ['processing', 'failed', 'canceled'] as const) {
      it(`refuses a refund of a ${status} payment with PAYMENT_NOT_SUCCEEDED`, () => {
        expectDomainError(() => givenPaymentIn(status).recordRefund('re_1', 100, { observedAt: at(50) }), 'PAYMENT_NOT_SUCCEEDED');
      });
    }

    it('refuses a refund before any status with PAYMENT_NOT_SUCCEEDED', () => {
      expectDomainError(() => givenOpenPayment().recordRefund('re_1', 100, { observedAt: at(50) }), 'PAYMENT_NOT_SUCCEEDED');
    });
  });

  describe('when the refund amount is not a positive integer', () => {
    it('refuses it with INVALID_AMOUNT', () => {
      expectDomainError(() => givenPaymentIn('succeeded').recordRefund('re_1', 0, { observedAt: at(50) }), 'INVALID_AMOUNT');
    });
  });
});
