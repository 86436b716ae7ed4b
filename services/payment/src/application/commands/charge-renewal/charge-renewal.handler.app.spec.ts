import { expect } from 'chai';
import { paymentTestKit, rejectionOf, T0, typesIn } from '../../testing/payment-test-kit';
import type { ChargeRenewal } from './charge-renewal.command';

const renewalDue: ChargeRenewal = { subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 2, amount: 2_900, currency: 'EUR' };

describe('ChargeRenewal', () => {
  describe('when SubscriptionRenewalDue arrives and the card is charged', () => {
    it('confirms one off-session intent keyed with the attempt, and records PaymentSucceeded at once', async () => {
      const kit = paymentTestKit();
      const result = await kit.chargeRenewal.execute(renewalDue);
      expect(kit.gateway.requests()[0]).to.include({ idempotencyKey: 'subscription:sub-1:period:2:attempt:1', offSession: true, confirm: true });
      expect(result.payment).to.include({ status: 'succeeded', attempt: 1, offSession: true, clientSecret: null });
      expect(typesIn(kit.payments.outbox)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
      expect(kit.payments.outbox[1]).to.deep.equal({
        type: 'PaymentSucceeded',
        paymentId: result.payment.paymentId,
        customerId: 'cus-1',
        occurredAt: T0,
        purpose: 'SUBSCRIPTION_PERIOD',
        referenceId: 'sub-1',
        periodIndex: 2,
        changeId: null,
        credits: null,
        amount: 2_900,
        currency: 'EUR',
        gatewayPaymentIntentId: 'pi_fake_1',
        attempt: 1,
      });
    });
  });

  describe('when the card is declined', () => {
    it('records PaymentFailed with the decline reason and the attempt', async () => {
      const kit = paymentTestKit();
      kit.gateway.confirmOutcome = 'declined';
      const result = await kit.chargeRenewal.execute({ ...renewalDue, attempt: 2 });
      expect(result.payment.status).to.equal('failed');
      expect(kit.payments.outbox.at(-1)).to.include({ type: 'PaymentFailed', reason: 'insufficient_funds', attempt: 2 });
    });
  });

  describe('when the charge needs authentication nobody can give off-session', () => {
    it('counts as failed with authentication_required, so dunning takes over', async () => {
      const kit = paymentTestKit();
      kit.gateway.confirmOutcome = 'requires_action';
      const result = await kit.chargeRenewal.execute(renewalDue);
      expect(result.payment.failure).to.include({ code: 'authentication_required', attempt: 1 });
    });
  });

  describe('when a dunning retry follows a failed attempt', () => {
    it('opens a new payment and a new intent for attempt 2', async () => {
      const kit = paymentTestKit();
      kit.gateway.confirmOutcome = 'declined';
      const first = await kit.chargeRenewal.execute(renewalDue);
      kit.gateway.confirmOutcome = 'succeeded';
      const second = await kit.chargeRenewal.execute({ ...renewalDue, attempt: 2 });
      expect(second.payment.paymentId).not.to.equal(first.payment.paymentId);
      expect([first.payment.status, second.payment.status, kit.gateway.intentCount]).to.deep.equal(['failed', 'succeeded', 2]);
      expect(kit.gateway.requests().map((request) => request.idempotencyKey)).to.deep.equal([
        'subscription:sub-1:period:2:attempt:1',
        'subscription:sub-1:period:2:attempt:2',
      ]);
    });
  });

  describe('when the same renewal attempt is delivered twice', () => {
    it('charges once and returns the stored payment', async () => {
      const kit = paymentTestKit();
      await kit.chargeRenewal.execute(renewalDue);
      const again = await kit.chargeRenewal.execute(renewalDue);
      expect([again.outcome, kit.gateway.createCalls, kit.gateway.intentCount]).to.deep.equal(['existing', 1, 1]);
      expect(typesIn(kit.payments.outbox)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
    });
  });

  describe('when the customer is not linked', () => {
    it('fails with CUSTOMER_NOT_LINKED before charging', async () => {
      const kit = paymentTestKit();
      const error = await rejectionOf(() => kit.chargeRenewal.execute({ ...renewalDue, customerId: 'cus-2' }));
      expect(error).to.include({ code: 'CUSTOMER_NOT_LINKED' });
      expect(kit.gateway.createCalls).to.equal(0);
    });
  });
});
