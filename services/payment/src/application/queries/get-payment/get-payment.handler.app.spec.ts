import { expect } from 'chai';
import { disputeEvent, intentEvent } from '../../testing/gateway-events';
import { paymentTestKit, rejectionOf, T0_SECONDS } from '../../testing/payment-test-kit';

describe('GetPayment', () => {
  describe('given a payment waiting for the customer', () => {
    it('returns its status and client secret for the front end', async () => {
      const kit = paymentTestKit();
      const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      const view = await kit.getPayment.execute({ paymentId: payment.paymentId });
      expect(view).to.include({ status: 'requires_payment_method', clientSecret: 'pi_fake_1_secret_1', amount: 1_000, totalRefunded: 0 });
      expect(view.disputes).to.deep.equal([]);
    });
  });

  describe('given a payment that succeeded', () => {
    it('no longer hands out the client secret', async () => {
      const kit = paymentTestKit();
      const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      const intent = kit.gateway.setStatus('pi_fake_1', 'succeeded');
      await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', T0_SECONDS + 5, intent));
      expect(await kit.getPayment.execute({ paymentId: payment.paymentId })).to.include({ status: 'succeeded', clientSecret: null });
    });
  });

  describe('given a payment disputed twice, the first dispute closed', () => {
    it('lists both disputes, oldest first, with status, amount, and when they opened and closed', async () => {
      const kit = paymentTestKit();
      const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      const intent = kit.gateway.setStatus('pi_fake_1', 'succeeded');
      await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', T0_SECONDS + 5, intent));
      await kit.deliver(disputeEvent('evt_2', 'charge.dispute.created', T0_SECONDS + 60, { disputeId: 'dp_1', intent, status: 'warning_needs_response', amount: 1_000 }));
      await kit.deliver(disputeEvent('evt_3', 'charge.dispute.closed', T0_SECONDS + 120, { disputeId: 'dp_1', intent, status: 'warning_closed', amount: 1_000 }));
      await kit.deliver(disputeEvent('evt_4', 'charge.dispute.created', T0_SECONDS + 180, { disputeId: 'dp_2', intent, status: 'needs_response', amount: 400 }));

      const view = await kit.getPayment.execute({ paymentId: payment.paymentId });

      expect(view.disputes).to.deep.equal([
        { disputeId: 'dp_1', status: 'warning_closed', amount: 1_000, openedAt: '2030-01-01T00:01:00.000Z', closedAt: '2030-01-01T00:02:00.000Z' },
        { disputeId: 'dp_2', status: 'needs_response', amount: 400, openedAt: '2030-01-01T00:03:00.000Z', closedAt: null },
      ]);
    });
  });

  describe('when the payment is unknown or its id malformed', () => {
    it('fails with PAYMENT_NOT_FOUND', async () => {
      const kit = paymentTestKit();
      const { payment } = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      expect((await kit.getPayment.execute({ paymentId: payment.paymentId })).customerId).to.equal('cus-1');
      for (const query of [{ paymentId: '00000000-0000-4000-8000-000000000999' }, { paymentId: 'nope' }]) {
        expect(await rejectionOf(() => kit.getPayment.execute(query))).to.include({ code: 'PAYMENT_NOT_FOUND' });
      }
    });
  });
});
