import { expect } from 'chai';
import { paymentTestKit } from '../../testing/payment-test-kit';
import { FindPaymentByReferenceHandler } from './find-payment-by-reference.handler';

describe('FindPaymentByReferenceHandler', () => {
  describe('when a subscription period and a top-up were opened', () => {
    it('finds each by what it pays for, and nothing for another customer or period', async () => {
      const kit = paymentTestKit();
      const find = new FindPaymentByReferenceHandler({ payments: kit.payments });
      const period = await kit.startSubscriptionPayment.execute({ subscriptionId: 'sub-1', customerId: 'cus-1', periodIndex: 1, amountDue: 2_900, currency: 'EUR' });
      const topUp = await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'EUR' });
      if (period.outcome === 'nothing_due') throw new Error('expected a payment');

      expect((await find.execute({ subscriptionId: 'sub-1', periodIndex: 1 }))?.paymentId).to.equal(period.payment.paymentId);
      expect((await find.execute({ topUpId: 'top-1' }))?.paymentId).to.equal(topUp.payment.paymentId);
      expect(await find.execute({ subscriptionId: 'sub-1', periodIndex: 2 })).to.equal(null);
      expect(await find.execute({ subscriptionId: 'sub-1', periodIndex: 1, attempt: 1 })).to.equal(null);
      expect(await find.execute({ topUpId: 'top-1', customerId: 'cus-2' })).to.equal(null);
    });
  });
});
