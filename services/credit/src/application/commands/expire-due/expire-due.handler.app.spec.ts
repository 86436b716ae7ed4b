import { expect } from 'chai';
import { InMemoryAccountCommandBus } from '../../testing/in-memory-account-command-bus';
import { ExpireDueHandler } from './expire-due.handler';

describe('ExpireDueHandler', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  let now = start;
  const context = { correlationId: 'sweep-1' };

  describe('when an account it claims holds a hold past its TTL', () => {
    it('expires the hold on that account and reports how many accounts it swept', async () => {
      const bus = new InMemoryAccountCommandBus(() => now);
      await bus.submit('c1', { type: 'Grant', grantId: 'g1', amount: 10, source: { type: 'MANUAL', id: 'm', period: null }, expiresAt: null }, context, { openIfMissing: true });
      await bus.submit('c1', { type: 'Reserve', reservationId: 'r1', amount: 4, ttlMs: 60_000 }, context);
      now = new Date(start.getTime() + 60_000);
      const claimed: Date[] = [];
      const expire = new ExpireDueHandler({ bus, clock: { now: () => now }, dueAccounts: { claim: async (at) => (claimed.push(at), ['c1']) } });
      expect(await expire.execute({ batchSize: 50 }, context)).to.deep.equal({ accounts: 1, refused: [] });
      expect(claimed).to.deep.equal([now]);
      expect(bus.accounts.get('c1')!.findReservation('r1')?.status).to.equal('EXPIRED');
      expect(bus.published.filter((event) => event.type === 'ReservationExpired').map((event) => event.correlationId)).to.deep.equal(['sweep-1']);
    });
  });

  describe('when a claimed account cannot be loaded', () => {
    it('reports it and carries on with the others', async () => {
      const bus = new InMemoryAccountCommandBus(() => now);
      await bus.submit('c2', { type: 'Open' }, context, { openIfMissing: true });
      const expire = new ExpireDueHandler({ bus, clock: { now: () => now }, dueAccounts: { claim: async () => ['gone', 'c2'] } });
      const { accounts, refused } = await expire.execute({ batchSize: 50 }, context);
      expect([accounts, refused.map((each) => [each.customerId, each.error.code])]).to.deep.equal([2, [['gone', 'ACCOUNT_NOT_FOUND']]]);
    });
  });
});
