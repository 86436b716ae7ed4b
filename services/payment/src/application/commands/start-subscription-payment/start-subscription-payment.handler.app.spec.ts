import { expect } from 'chai';
import { PaymentGatewayUnavailableError } from '../../ports/payment-gateway.port';
import { paymentTestKit, rejectionOf, typesIn } from '../../testing/payment-test-kit';
import type { StartSubscriptionPayment } from './start-subscription-payment.command';

const subscriptionCreated: StartSubscriptionPayment = { subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 1, amountDue: 2_900, currency: 'EUR' };

describe('StartSubscriptionPayment', () => {
  describe('when SubscriptionCreated asks for period 1', () => {
    it('opens one on-session, unconfirmed intent keyed subscription:<id>:period:1 and returns its client secret', async () => {
      const kit = paymentTestKit();
      const result = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      expect(result.outcome).to.equal('created');
      expect(kit.gateway.requests()).to.deep.equal([
        {
          idempotencyKey: 'subscription:sub-1:period:1',
          customerGatewayId: 'cus_stripe_1',
          amount: 2_900,
          currency: 'EUR',
          metadata: {
            paymentId: '00000000-0000-4000-8000-000000000001',
            purpose: 'SUBSCRIPTION_PERIOD',
            customerId: 'cus-1',
            subscriptionId: 'sub-1',
            periodIndex: '1',
            attempt: '1',
          },
          offSession: false,
          confirm: false,
        },
      ]);
      if (result.outcome === 'nothing_due') throw new Error('expected a payment');
      expect(result.payment).to.include({ status: 'requires_payment_method', gatewayPaymentIntentId: 'pi_fake_1', clientSecret: 'pi_fake_1_secret_1' });
      expect(typesIn(kit.payments.outbox)).to.deep.equal(['PaymentCreated']);
    });
  });

  describe('when the same SubscriptionCreated is delivered again', () => {
    it('returns the existing payment and never opens a second intent', async () => {
      const kit = paymentTestKit();
      const first = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      const second = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      const third = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      expect([first.outcome, second.outcome, third.outcome]).to.deep.equal(['created', 'existing', 'existing']);
      expect([kit.gateway.intentCount, kit.gateway.createCalls, kit.payments.size]).to.deep.equal([1, 1, 1]);
      expect(second).to.deep.equal(first.outcome === 'nothing_due' ? first : { ...first, outcome: 'existing' });
    });
  });

  describe('when the subscription starts with a trial (nothing due)', () => {
    it('does nothing: no payment, no intent', async () => {
      const kit = paymentTestKit();
      const result = await kit.startSubscriptionPayment.execute({ ...subscriptionCreated, amountDue: 0 });
      expect(result).to.deep.equal({ outcome: 'nothing_due' });
      expect([kit.gateway.createCalls, kit.payments.size]).to.deep.equal([0, 0]);
    });
  });

  describe('when the customer has no gateway customer yet', () => {
    it('fails with CUSTOMER_NOT_LINKED (retryable) and stores nothing', async () => {
      const kit = paymentTestKit();
      const error = await rejectionOf(() => kit.startSubscriptionPayment.execute({ ...subscriptionCreated, customerId: 'cus-unlinked' }));
      expect(error).to.include({ code: 'CUSTOMER_NOT_LINKED', retryable: true });
      expect([kit.gateway.createCalls, kit.payments.size]).to.deep.equal([0, 0]);
    });
  });

  describe('when the gateway is unavailable', () => {
    it('fails retryably; the retry completes the stored payment with one intent', async () => {
      const kit = paymentTestKit();
      kit.gateway.unavailableFor = 1;
      const error = await rejectionOf(() => kit.startSubscriptionPayment.execute(subscriptionCreated));
      expect(error).to.be.instanceOf(PaymentGatewayUnavailableError);
      expect(error).to.include({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', retryable: true });
      const result = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      expect(result.outcome).to.equal('created');
      expect([kit.gateway.intentCount, kit.payments.size]).to.deep.equal([1, 1]);
    });
  });

  describe('when the process dies after the gateway created the intent but before the save', () => {
    it('the retry sends identical parameters under the same key and gets the same intent back', async () => {
      const kit = paymentTestKit();
      kit.payments.failNextSave = new Error('connection lost');
      await rejectionOf(() => kit.startSubscriptionPayment.execute(subscriptionCreated));
      const result = await kit.startSubscriptionPayment.execute(subscriptionCreated);
      expect(result.outcome).to.equal('created');
      expect([kit.gateway.createCalls, kit.gateway.intentCount]).to.deep.equal([2, 1]);
      expect(kit.payments.stateOf('00000000-0000-4000-8000-000000000001')?.gatewayPaymentIntentId).to.equal('pi_fake_1');
    });
  });

  describe('when the same period arrives with another amount', () => {
    it('fails with PAYMENT_REFERENCE_CONFLICT and leaves the payment alone', async () => {
      const kit = paymentTestKit();
      await kit.startSubscriptionPayment.execute(subscriptionCreated);
      const error = await rejectionOf(() => kit.startSubscriptionPayment.execute({ ...subscriptionCreated, amountDue: 3_900 }));
      expect(error).to.include({ code: 'PAYMENT_REFERENCE_CONFLICT', retryable: false });
      expect(kit.gateway.intentCount).to.equal(1);
    });
  });
});
