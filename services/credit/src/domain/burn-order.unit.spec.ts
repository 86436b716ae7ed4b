import { expect } from 'chai';
import { type BurnOrderKey, compareBurnOrder, sortInBurnOrder } from './burn-order';

const key = (grantId: string, expiresAt: number | null, priority: number, grantedAt: number): BurnOrderKey => ({
  grantId,
  expiresAt: expiresAt === null ? null : new Date(expiresAt),
  priority,
  grantedAt: new Date(grantedAt),
});

describe('burn order', () => {
  describe('when grants differ in one field at a time', () => {
    it('orders by expiry (none last), then priority, then age, then grantId', () => {
      const sorted = sortInBurnOrder([
        key('never', null, -5, 0),
        key('b', 100, 1, 5),
        key('a', 100, 1, 5),
        key('older', 100, 1, 4),
        key('urgent', 100, 0, 9),
        key('soonest', 50, 9, 9),
      ]);
      expect(sorted.map((grant) => grant.grantId)).to.deep.equal(['soonest', 'urgent', 'older', 'a', 'b', 'never']);
    });
  });

  describe('when comparing a grant with itself', () => {
    it('returns 0, and the order is antisymmetric otherwise', () => {
      const a = key('a', 100, 1, 5);
      const b = key('b', null, 1, 5);
      expect(compareBurnOrder(a, a)).to.equal(0);
      expect(Math.sign(compareBurnOrder(a, b))).to.equal(-Math.sign(compareBurnOrder(b, a)));
    });
  });
});
