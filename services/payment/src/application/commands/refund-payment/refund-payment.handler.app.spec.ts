import { expect } from 'chai';
import { intentEvent } from '../../testing/gateway-events';
import { paymentTestKit, rejectionOf, T0_SECONDS, type PaymentTestKit } from '../../testing/payment-test-kit';
import type { RefundPayment } from './refund-payment.command';

const INTENT_ID = 'pi_fake_1';

/** Given: a top-up of 1000 EUR cents, paid. */
async function givenPaidTopUp(): Promise<{ kit: PaymentTestKit; paymentId: string }> {
  const kit = paymentTestKit();
  const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
  await kit.deliver(intentEvent('evt_paid', 'payment_intent.succeeded', T0_SECONDS + 5, kit.gateway.setStatus(INTENT_ID, 'succeeded')));
  return { kit, paymentId: payment.paymentId };
}

const request = (paymentId: string, extra: Partial<RefundPayment> = {}): RefundPayment => ({ paymentId, requestKey: 'refund-key-1', actor: 'console:alice', ...extra });

describe('RefundPayment', () => {
  describe('given a paid payment', () => {
    it('refunds everything by default, with the request key as the gateway idempotency key and the actor in the metadata', async () => {
      const { kit, paymentId } = await givenPaidTopUp();
      const refund = await kit.refundPayment.execute(request(paymentId));
      expect(refund).to.include({ paymentId, amount: 1_000, currency: 'EUR', status: 'succeeded', customerId: 'cus-1' });
      expect(kit.refunds.created).to.have.length(1);
      expect(kit.refunds.created[0]).to.deep.include({
        idempotencyKey: 'refund-key-1',
        paymentIntentId: INTENT_ID,
        amount: 1_000,
        metadata: { paymentId, refundRequest: 'refund-key-1', actor: 'console:alice' },
      });
      expect((await kit.getPayment.execute({ paymentId })).totalRefunded, 'the webhook records it, not the request').to.equal(0);
    });

    it('refunds part of it, and then refuses more than what is left, counting refunds not yet seen by webhook', async () => {
      const { kit, paymentId } = await givenPaidTopUp();
      expect(await kit.refundPayment.execute(request(paymentId, { amount: 400, reason: 'requested_by_customer' }))).to.include({ amount: 400 });
      const tooMuch = await rejectionOf(() => kit.refundPayment.execute(request(paymentId, { amount: 601, requestKey: 'refund-key-2' })));
      expect(tooMuch).to.include({ code: 'REFUND_EXCEEDS_PAYMENT' });
      expect((tooMuch as { details: object }).details).to.deep.include({ requested: 601, refundable: 600 });
      expect(kit.refunds.created, 'nothing sent for the refused one').to.have.length(1);
      expect(await kit.refundPayment.execute(request(paymentId, { requestKey: 'refund-key-3' }))).to.include({ amount: 600 });
    });

    it('answers the refund already made for the same request key instead of making another', async () => {
      const { kit, paymentId } = await givenPaidTopUp();
      const first = await kit.refundPayment.execute(request(paymentId));
      const again = await kit.refundPayment.execute(request(paymentId));
      expect(again).to.deep.equal(first);
      expect(kit.refunds.created).to.have.length(1);
    });

    it('is PAYMENT_NOT_REFUNDABLE once fully refunded (a refund made at the gateway counts)', async () => {
      const { kit, paymentId } = await givenPaidTopUp();
      kit.refunds.refunds.push({ id: 're_dashboard', amount: 1_000, currency: 'eur', status: 'pending', metadata: {}, paymentIntentId: INTENT_ID });
      expect(await rejectionOf(() => kit.refundPayment.execute(request(paymentId)))).to.include({ code: 'PAYMENT_NOT_REFUNDABLE' });
      expect(kit.refunds.created).to.have.length(0);
    });

    it('fails with PAYMENT_GATEWAY_UNAVAILABLE while the gateway is away, and refunds nothing', async () => {
      const { kit, paymentId } = await givenPaidTopUp();
      kit.refunds.unavailable = true;
      expect(await rejectionOf(() => kit.refundPayment.execute(request(paymentId)))).to.include({ code: 'PAYMENT_GATEWAY_UNAVAILABLE' });
      expect(kit.refunds.refunds).to.have.length(0);
    });
  });

  describe('given a payment not paid (yet), or unknown', () => {
    it('is PAYMENT_NOT_REFUNDABLE, or PAYMENT_NOT_FOUND', async () => {
      const kit = paymentTestKit();
      const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      expect(await rejectionOf(() => kit.refundPayment.execute(request(payment.paymentId)))).to.include({ code: 'PAYMENT_NOT_REFUNDABLE' });
      expect(await rejectionOf(() => kit.refundPayment.execute(request('00000000-0000-4000-8000-000000000999')))).to.include({ code: 'PAYMENT_NOT_FOUND' });
      expect(kit.refunds.created).to.have.length(0);
    });
  });
});
