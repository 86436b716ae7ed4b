import { expect } from 'chai';
import { CustomerAccess } from './access.js';

describe('CustomerAccess', () => {
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  describe('when CreditBalanceLow reports nothing left', () => {
    it('blocks the customer while none of our holds was open then', () => {
      const access = new CustomerAccess();
      access.balanceLow('c1', 0, at(0), 1);
      expect(access.blockedFor('c1')).to.equal('no_credits');
    });

    it('does not block for a drop our own open hold caused (most of it comes back at capture)', async () => {
      const access = new CustomerAccess();
      await access.holding('c1', async () => access.balanceLow('c1', 0, at(0), 1));
      expect(access.blockedFor('c1')).to.equal(undefined);
    });

    it('does not block for a drop that happened before our last hold settled', async () => {
      const access = new CustomerAccess();
      await access.holding('c1', async () => undefined);
      access.balanceLow('c1', 0, at(60_000), 1);
      expect(access.blockedFor('c1')).to.equal(undefined);
    });

    it('does not block while what is available still pays for a call', () => {
      const access = new CustomerAccess();
      access.balanceLow('c1', 5, at(0), 1);
      expect(access.blockedFor('c1')).to.equal(undefined);
    });
  });

  describe('when the subscription was canceled', () => {
    it('keeps that reason over running out of credits, and new credits lift the block', () => {
      const access = new CustomerAccess();
      access.block('c1', 'subscription_canceled');
      access.block('c1', 'no_credits');
      expect(access.blockedFor('c1')).to.equal('subscription_canceled');
      access.unblock('c1');
      expect(access.blockedFor('c1')).to.equal(undefined);
    });
  });
});
