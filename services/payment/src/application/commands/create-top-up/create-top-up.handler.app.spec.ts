import { expect } from 'chai';
import { paymentTestKit, rejectionOf } from '../../testing/payment-test-kit';
import type { CreateTopUp } from './create-top-up.command';

const topUp: CreateTopUp = { topUpId: 'top-1', customerId: 'cus-1', credits: 500, amount: 1_000, currency: 'usd' };

describe('CreateTopUp', () => {
  describe('when a customer buys credits', () => {
    it('opens one on-session intent keyed top-up:<topUpId> carrying the credits, and returns the client secret', async () => {
      const kit = paymentTestKit();
      const result = await kit.createTopUp.execute(topUp);
      expect(result.outcome).to.equal('created');
      expect(kit.gateway.requests()[0]).to.deep.include({ idempotencyKey: 'top-up:top-1', currency: 'USD', offSession: false, confirm: false });
      expect(kit.gateway.requests()[0]?.metadata).to.include({ purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: '500' });
      expect(result.payment).to.deep.include({
        reference: { purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: 500 },
        currency: 'USD',
        clientSecret: 'pi_fake_1_secret_1',
      });
    });
  });

  describe('when the request is replayed', () => {
    it('returns the same payment without a second intent', async () => {
      const kit = paymentTestKit();
      const first = await kit.createTopUp.execute(topUp);
      const replay = await kit.createTopUp.execute(topUp);
      expect([replay.outcome, replay.payment.paymentId, kit.gateway.intentCount]).to.deep.equal(['existing', first.payment.paymentId, 1]);
    });
  });

  describe('when the same topUpId comes with other terms', () => {
    it('fails with PAYMENT_REFERENCE_CONFLICT', async () => {
      const kit = paymentTestKit();
      await kit.createTopUp.execute(topUp);
      const error = await rejectionOf(() => kit.createTopUp.execute({ ...topUp, credits: 600 }));
      expect(error).to.include({ code: 'PAYMENT_REFERENCE_CONFLICT' });
    });
  });

  describe('when the price is invalid', () => {
    it('fails with INVALID_CURRENCY / INVALID_AMOUNT before anything is stored or sent', async () => {
      const kit = paymentTestKit();
      expect(await rejectionOf(() => kit.createTopUp.execute({ ...topUp, currency: 'BTC' }))).to.include({ code: 'INVALID_CURRENCY' });
      expect(await rejectionOf(() => kit.createTopUp.execute({ ...topUp, topUpId: 'top-2', amount: 0 }))).to.include({ code: 'INVALID_AMOUNT' });
      expect([kit.gateway.createCalls, kit.payments.size]).to.deep.equal([0, 0]);
    });
  });
});
