import { expect } from 'chai';
import { PaymentConcurrentUpdateError } from '../../../domain/payment.errors';
import { paymentTestKit, rejectionOf } from '../../testing/payment-test-kit';
import type { CreateTopUp } from './create-top-up.command';

const topUp: CreateTopUp = { topUpId: 'top-1', customerId: 'cus-1', packCode: 'pack-500', currency: 'usd' };

async function kitWithPack() {
  const kit = paymentTestKit();
  await kit.givenPack('pack-500', 500, [
    { amount: 1_000, currency: 'USD' },
    { amount: 900, currency: 'EUR' },
  ]);
  return kit;
}

describe('CreateTopUp', () => {
  describe('given a pack of 500 credits at 1000 USD / 900 EUR, when a customer buys it in USD', () => {
    it('then it opens one on-session intent for the pack price, keyed top-up:<topUpId>, carrying the pack credits, and answers the quote', async () => {
      const kit = await kitWithPack();
      const result = await kit.createTopUp.execute(topUp);
      expect(result.outcome).to.equal('created');
      expect(result.quote).to.deep.equal({ packCode: 'pack-500', credits: 500, amount: 1_000, currency: 'USD' });
      expect(kit.gateway.requests()[0]).to.deep.include({ idempotencyKey: 'top-up:top-1', amount: 1_000, currency: 'USD', offSession: false, confirm: false });
      expect(kit.gateway.requests()[0]?.metadata).to.include({ purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: '500' });
      expect(result.payment).to.deep.include({
        reference: { purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: 500 },
        amount: 1_000,
        currency: 'USD',
        clientSecret: 'pi_fake_1_secret_1',
      });
    });

    it('then in EUR it charges the EUR price', async () => {
      const kit = await kitWithPack();
      const result = await kit.createTopUp.execute({ ...topUp, currency: 'EUR' });
      expect(result.payment).to.deep.include({ amount: 900, currency: 'EUR' });
    });
  });

  describe('when the request is replayed', () => {
    it('returns the same payment without a second intent', async () => {
      const kit = await kitWithPack();
      const first = await kit.createTopUp.execute(topUp);
      const replay = await kit.createTopUp.execute(topUp);
      expect([replay.outcome, replay.payment.paymentId, kit.gateway.intentCount]).to.deep.equal(['existing', first.payment.paymentId, 1]);
    });
  });

  describe('when the gateway\'s webhook attaches the intent between the gateway call and our save', () => {
    it('opens again and returns the stored payment with that one intent', async () => {
      const kit = await kitWithPack();
      kit.payments.failingSaves.push(new PaymentConcurrentUpdateError('00000000-0000-4000-8000-000000000001'));
      const result = await kit.createTopUp.execute(topUp);
      expect(result.payment).to.deep.include({ gatewayPaymentIntentId: 'pi_fake_1', clientSecret: 'pi_fake_1_secret_1' });
      expect(kit.gateway.intentCount).to.equal(1);
    });
  });

  describe('when the same topUpId comes with another pack', () => {
    it('fails with PAYMENT_REFERENCE_CONFLICT', async () => {
      const kit = await kitWithPack();
      await kit.givenPack('pack-600', 600, [{ amount: 1_000, currency: 'USD' }]);
      await kit.createTopUp.execute(topUp);
      const error = await rejectionOf(() => kit.createTopUp.execute({ ...topUp, packCode: 'pack-600' }));
      expect(error).to.include({ code: 'PAYMENT_REFERENCE_CONFLICT' });
    });
  });

  describe('when the top-up cannot be sold', () => {
    const refusals: [string, (kit: Awaited<ReturnType<typeof kitWithPack>>) => Promise<CreateTopUp>, string][] = [
      ['an unknown pack', async () => ({ ...topUp, packCode: 'nope' }), 'TOP_UP_PACK_NOT_FOUND'],
      ['a currency the pack has no price in', async () => ({ ...topUp, currency: 'GBP' }), 'TOP_UP_PACK_NOT_PRICED'],
      ['an unsupported currency', async () => ({ ...topUp, currency: 'BTC' }), 'INVALID_CURRENCY'],
      [
        'a deactivated pack',
        async (kit) => {
          const pack = (await kit.packs.find('pack-500'))!;
          pack.deactivate(kit.clock.now());
          await kit.packs.save(pack);
          return topUp;
        },
        'TOP_UP_PACK_NOT_ACTIVE',
      ],
      [
        'a deactivated customer',
        async (kit) => {
          kit.customers.deactivate('cus-1');
          return topUp;
        },
        'CUSTOMER_DEACTIVATED',
      ],
    ];
    for (const [name, given, code] of refusals) {
      it(`refuses ${name} with ${code}, before anything is stored or sent`, async () => {
        const kit = await kitWithPack();
        const command = await given(kit);
        expect(await rejectionOf(() => kit.createTopUp.execute(command))).to.include({ code });
        expect([kit.gateway.createCalls, kit.payments.size]).to.deep.equal([0, 0]);
      });
    }
  });
});
