import { expect } from 'chai';
import { InMemoryAccountCommandBus, testIds } from '../../testing/in-memory-account-command-bus';
import { GrantCreditsHandler } from './grant-credits.handler';

describe('GrantCreditsHandler', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const context = { correlationId: 'corr-1' };
  const promotion = { type: 'PROMOTION', id: 'P' };
  let bus: InMemoryAccountCommandBus;
  let grant: GrantCreditsHandler;

  beforeEach(() => {
    bus = new InMemoryAccountCommandBus(() => now);
    grant = new GrantCreditsHandler({ bus, grantIds: testIds, clock: { now: () => now } });
  });

  describe('when one promotion source is granted to two customers', () => {
    it('makes a grant of its own on each account', async () => {
      const first = await grant.execute({ customerId: 'c1', amount: 100, source: promotion }, context, { openIfMissing: true });
      const second = await grant.execute({ customerId: 'c2', amount: 100, source: promotion }, context, { openIfMissing: true });
      expect([first.created, second.created]).to.deep.equal([true, true]);
      expect(second.grantId).not.to.equal(first.grantId);
      expect([bus.accounts.get('c1')!.balance, bus.accounts.get('c2')!.balance]).to.deep.equal([100, 100]);
    });
  });

  describe('when the same source is granted again on the same account', () => {
    it('answers the first grant and grants nothing more', async () => {
      const first = await grant.execute({ customerId: 'c1', amount: 100, source: promotion }, context, { openIfMissing: true });
      const again = await grant.execute({ customerId: 'c1', amount: 100, source: promotion }, context);
      expect(again).to.deep.equal({ type: 'Grant', grantId: first.grantId, created: false });
      expect(bus.accounts.get('c1')!.balance).to.equal(100);
    });
  });
});
