import { expect } from 'chai';
import { paymentTestKit } from '../../testing/payment-test-kit';
import { ListPaymentsHandler } from './list-payments.handler';

describe('ListPayments', () => {
  async function givenPayments() {
    const kit = paymentTestKit();
    kit.customers.link('cus-2', 'cus_stripe_2');
    const list = new ListPaymentsHandler({ payments: kit.payments });
    const period1 = await kit.startSubscriptionPayment.execute({ subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 1, amountDue: 2_900, currency: 'EUR' });
    const renewal = await kit.chargeRenewal.execute({ subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 2, amount: 2_900, currency: 'EUR', attempt: 2 });
    const topUp = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
    const other = await kit.createTopUp.execute({ topUpId: 'top-2', customerId: 'cus-2', packCode: 'credits-500', currency: 'EUR' });
    if (period1.outcome === 'nothing_due') throw new Error('expected a payment');
    const ids = { period1: period1.payment.paymentId, renewal: renewal.payment.paymentId, topUp: topUp.payment.paymentId, other: other.payment.paymentId };
    const idsOf = async (filter: object, limit = 50) => (await list.execute({ filter, limit })).data.map((payment) => payment.paymentId);
    return { kit, list, ids, idsOf };
  }

  describe('when filtered by what the payments pay for', () => {
    it('finds a subscription’s payments (by period and attempt too), a top-up’s, and a customer’s', async () => {
      const { ids, idsOf } = await givenPayments();
      expect(await idsOf({ subscriptionId: 'sub-1' })).to.deep.equal([ids.period1, ids.renewal]);
      expect(await idsOf({ subscriptionId: 'sub-1', periodIndex: 1 })).to.deep.equal([ids.period1]);
      expect(await idsOf({ subscriptionId: 'sub-1', periodIndex: 2, attempt: 2 })).to.deep.equal([ids.renewal]);
      expect(await idsOf({ subscriptionId: 'sub-1', periodIndex: 2, attempt: 1 })).to.deep.equal([]);
      expect(await idsOf({ topUpId: 'top-1' })).to.deep.equal([ids.topUp]);
      expect(await idsOf({ customerId: 'cus-2' })).to.deep.equal([ids.other]);
      expect(await idsOf({ topUpId: 'top-1', customerId: 'cus-2' })).to.deep.equal([]);
    });
  });

  describe('when the list is longer than a page', () => {
    it('pages oldest first, each payment once, and says where the next page starts until the last', async () => {
      const { list, ids } = await givenPayments();
      const first = await list.execute({ filter: {}, limit: 3 });
      expect(first.data.map((payment) => payment.paymentId)).to.deep.equal([ids.period1, ids.renewal, ids.topUp]);
      expect(first.next).to.not.equal(null);
      const second = await list.execute({ filter: {}, limit: 3, after: first.next! });
      expect(second.data.map((payment) => payment.paymentId)).to.deep.equal([ids.other]);
      expect(second.next).to.equal(null);
    });
  });
});
