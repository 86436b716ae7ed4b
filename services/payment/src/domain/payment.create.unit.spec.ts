import { expect } from 'chai';
import { MAX_AMOUNT } from './money.value-object';
import { Payment } from './payment.aggregate';
import {
  expectDomainError,
  givenOpenPayment,
  INTENT_ID,
  PAYMENT_ID,
  SUBSCRIPTION_FACTS,
  subscriptionPaymentCommand,
  T0,
  at,
  topUpPaymentCommand,
} from './payment.test-fixtures';

describe('Payment', () => {
  describe('when created for a subscription period, on-session', () => {
    it('waits for a payment method, has no intent yet, and records PaymentCreated', () => {
      const payment = Payment.create(subscriptionPaymentCommand());
      expect([payment.status, payment.gatewayPaymentIntentId, payment.attempt, payment.referenceKey]).to.deep.equal([
        'requires_payment_method',
        null,
        1,
        'subscription:sub-1:period:1',
      ]);
      expect(payment.pullEvents()).to.deep.equal([
        { type: 'PaymentCreated', ...SUBSCRIPTION_FACTS, occurredAt: T0, referenceKey: 'subscription:sub-1:period:1', offSession: false, attempt: 1 },
      ]);
    });

    it('puts everything a webhook needs to find it into the intent metadata, as strings', () => {
      expect(Payment.create(subscriptionPaymentCommand()).gatewayMetadata()).to.deep.equal({
        paymentId: PAYMENT_ID,
        purpose: 'SUBSCRIPTION_PERIOD',
        customerId: 'cus-1',
        subscriptionId: 'sub-1',
        periodIndex: '1',
        attempt: '1',
      });
    });
  });

  describe('when created off-session for a renewal attempt', () => {
    it('keys it by period and attempt', () => {
      const payment = Payment.create(
        subscriptionPaymentCommand({ offSession: true, attempt: 3, reference: { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: 'sub-1', periodIndex: 4 } }),
      );
      expect([payment.referenceKey, payment.attempt, payment.offSession]).to.deep.equal(['subscription:sub-1:period:4:attempt:3', 3, true]);
    });

    it('refuses attempt 0 with INVALID_REFERENCE', () => {
      expectDomainError(() => Payment.create(subscriptionPaymentCommand({ offSession: true, attempt: 0 })), 'INVALID_REFERENCE');
    });
  });

  describe('when created for a credit top-up', () => {
    it('carries topUpId and credits, keyed top-up:<id>', () => {
      const payment = Payment.create(topUpPaymentCommand());
      expect(payment.referenceKey).to.equal('top-up:top-1');
      expect(payment.pullEvents()[0]).to.include({ purpose: 'CREDIT_TOP_UP', referenceId: 'top-1', credits: 500, periodIndex: null });
      expect(payment.gatewayMetadata()).to.include({ topUpId: 'top-1', credits: '500' });
    });

    it('refuses an off-session top-up and a non-positive credit count with INVALID_REFERENCE', () => {
      expectDomainError(() => Payment.create(topUpPaymentCommand({ offSession: true })), 'INVALID_REFERENCE');
      expectDomainError(() => Payment.create(topUpPaymentCommand({ reference: { purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: 0 } })), 'INVALID_REFERENCE');
    });
  });

  describe('when the amount is not a positive integer of minor units', () => {
    for (const amount of [0, -1, 1.5, Number.NaN, MAX_AMOUNT + 1]) {
      it(`refuses ${amount} with INVALID_AMOUNT`, () => {
        expectDomainError(() => Payment.create(subscriptionPaymentCommand({ amount })), 'INVALID_AMOUNT');
      });
    }
  });

  describe('when the currency comes in lower case from Stripe', () => {
    it('normalises it to ISO 4217 upper case', () => {
      expect(Payment.create(subscriptionPaymentCommand({ currency: 'jpy' })).currency).to.equal('JPY');
    });
  });

  describe('when the currency is not on the allow-list', () => {
    for (const currency of ['XYZ', 'BTC', '', 'EURO']) {
      it(`refuses ${JSON.stringify(currency)} with INVALID_CURRENCY`, () => {
        expectDomainError(() => Payment.create(subscriptionPaymentCommand({ currency })), 'INVALID_CURRENCY');
      });
    }
  });

  describe('when ids are missing or malformed', () => {
    it('refuses a paymentId that is not a uuid and an empty customerId with INVALID_IDENTIFIER', () => {
      expectDomainError(() => Payment.create(subscriptionPaymentCommand({ paymentId: 'pay-1' })), 'INVALID_IDENTIFIER');
      expectDomainError(() => Payment.create(subscriptionPaymentCommand({ customerId: ' ' })), 'INVALID_IDENTIFIER');
    });

    it('refuses a period index below 1 with INVALID_REFERENCE', () => {
      const reference = { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: 'sub-1', periodIndex: 0 } as const;
      expectDomainError(() => Payment.create(subscriptionPaymentCommand({ reference })), 'INVALID_REFERENCE');
    });
  });

  describe('when the intent is attached', () => {
    it('binds the pi_ id and client secret without recording an event', () => {
      const payment = Payment.create(subscriptionPaymentCommand());
      payment.pullEvents();
      expect(payment.attachIntent({ gatewayPaymentIntentId: INTENT_ID, clientSecret: 'secret', observedAt: at(1) })).to.equal(true);
      expect([payment.gatewayPaymentIntentId, payment.clientSecret, payment.statusObservedAt]).to.deep.equal([INTENT_ID, 'secret', at(1)]);
      expect(payment.pullEvents()).to.deep.equal([]);
    });

    it('is idempotent for the same intent and refuses another with INTENT_ALREADY_ATTACHED', () => {
      const payment = givenOpenPayment();
      expect(payment.attachIntent({ gatewayPaymentIntentId: INTENT_ID, observedAt: at(2) })).to.equal(false);
      expectDomainError(() => payment.attachIntent({ gatewayPaymentIntentId: 'pi_other', observedAt: at(2) }), 'INTENT_ALREADY_ATTACHED');
    });

    it('refuses an id that is not a PaymentIntent id', () => {
      const payment = Payment.create(subscriptionPaymentCommand());
      expectDomainError(() => payment.attachIntent({ gatewayPaymentIntentId: 'ch_1', observedAt: T0 }), 'INVALID_IDENTIFIER');
    });
  });

  describe('when a status is observed before the intent exists', () => {
    it('fails with INTENT_NOT_ATTACHED', () => {
      const payment = Payment.create(subscriptionPaymentCommand());
      expectDomainError(() => payment.observeIntentStatus('succeeded', { observedAt: T0 }), 'INTENT_NOT_ATTACHED');
    });
  });
});
