import { expect } from 'chai';
import { DomainError } from '../../../domain/credit-account.errors';
import { InMemoryAccountCommandBus, testIds } from '../../testing/in-memory-account-command-bus';
import { GrantCreditsHandler } from '../grant-credits/grant-credits.handler';
import { RevokeGrantHandler } from './revoke-grant.handler';

describe('RevokeGrantHandler', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const context = { correlationId: 'corr-1', actor: 'console:bob' };
  let bus: InMemoryAccountCommandBus;
  let revoke: RevokeGrantHandler;
  let grantId: string;

  beforeEach(async () => {
    bus = new InMemoryAccountCommandBus(() => now);
    const grant = new GrantCreditsHandler({ bus, grantIds: testIds, clock: { now: () => now } });
    ({ grantId } = await grant.execute({ customerId: 'c1', amount: 100, source: { type: 'MANUAL', id: 'm1' }, reason: 'goodwill' }, context, { openIfMissing: true }));
    revoke = new RevokeGrantHandler({
      bus,
      readModel: { customerOfGrant: async (id) => (bus.accounts.get('c1')!.findGrant(id) ? 'c1' : undefined) },
    });
  });

  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'OK', (error: DomainError) => error.code);

  describe('when the grant exists', () => {
    it("revokes what is free on the grant's account with the reason and the actor on the ledger", async () => {
      expect(await revoke.execute({ grantId, reason: 'fraud' }, context)).to.deep.equal({ type: 'RevokeGrant', grantId, revoked: 100 });
      const account = bus.accounts.get('c1')!;
      expect(account.balance).to.equal(0);
      expect(account.ledgerEntries(0).map((entry) => [entry.type, entry.reason, entry.actor])).to.deep.equal([
        ['grant', 'goodwill', 'console:bob'],
        ['revoke', 'fraud', 'console:bob'],
      ]);
    });
  });

  describe('when the request is not one it can act on', () => {
    it('refuses a blank reason, a grant id that is not a UUID and an unknown grant, and changes nothing', async () => {
      expect(await codeOf(revoke.execute({ grantId, reason: '  ' }, context))).to.equal('INVALID_REQUEST');
      expect(await codeOf(revoke.execute({ grantId: 'g1', reason: 'x' }, context))).to.equal('INVALID_REQUEST');
      expect(await codeOf(revoke.execute({ grantId: '00000000-0000-4000-8000-999999999999', reason: 'x' }, context))).to.equal('GRANT_NOT_FOUND');
      expect(bus.accounts.get('c1')!.balance).to.equal(100);
    });
  });
});
