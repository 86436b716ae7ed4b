import { expect } from 'chai';
import { decide } from './credit-account.decide';
import { GrantSource } from './grant-source.value-object';
import { at, grant, HOUR, openAccount, reserve } from './credit-account.test-fixtures';

const entriesAfter = (account: ReturnType<typeof openAccount>, sequence: number) =>
  account.ledgerEntries(sequence).map((entry) => [entry.type, entry.amount, entry.reason, entry.actor]);

describe('CreditAccount', () => {
  describe('when a person revokes a grant by id (RevokeGrant)', () => {
    it('takes what is free, stamps reason and actor on the revoke entry and records CreditsRevoked', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      account.pullEvents();
      const sequence = account.ledgerSequence;
      const outcome = decide(account, { type: 'RevokeGrant', grantId: 'g1', reason: 'fraud' }, at(1), 'console:bob');
      expect(outcome).to.deep.equal({ ok: true, result: { type: 'RevokeGrant', grantId: 'g1', revoked: 70 } });
      expect(entriesAfter(account, sequence)).to.deep.equal([['revoke', 70, 'fraud', 'console:bob']]);
      expect(account.pullEvents()).to.deep.equal([
        { type: 'CreditsRevoked', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(1), grantId: 'g1', amount: 70, reason: 'fraud' },
      ]);
      expect([account.balance, account.held, account.available]).to.deep.equal([30, 30, 0]);
    });

    it('leaves held credits capturable; what the capture releases is revoked then, never available again', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      decide(account, { type: 'RevokeGrant', grantId: 'g1', reason: 'fraud' }, at(1), 'console:bob');
      const outcome = decide(account, { type: 'Capture', reservationId: 'r1', amount: 10, idempotencyKey: 'k' }, at(2));
      expect(outcome).to.deep.include({ ok: true });
      expect([account.balance, account.held, account.available]).to.deep.equal([0, 0, 0]);
      account.validate();
    });

    it('refuses a grant already revoked with GRANT_ALREADY_REVOKED and writes nothing', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      decide(account, { type: 'RevokeGrant', grantId: 'g1', reason: 'first' }, at(1));
      const sequence = account.ledgerSequence;
      const outcome = decide(account, { type: 'RevokeGrant', grantId: 'g1', reason: 'second' }, at(2));
      expect(outcome.ok === false && outcome.error.code).to.equal('GRANT_ALREADY_REVOKED');
      expect(account.ledgerSequence).to.equal(sequence);
    });

    it('refuses a grant a refund already revoked too (the same grant state), unlike the refund path, which answers 0', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, sourceType: 'TOP_UP', sourceId: 'pay-1' });
      const source = GrantSource.of({ type: 'TOP_UP', id: 'pay-1' });
      expect(decide(account, { type: 'Revoke', source }, at(1))).to.deep.include({ ok: true });
      expect(decide(account, { type: 'Revoke', source }, at(2))).to.deep.equal({ ok: true, result: { type: 'Revoke', grantId: 'g1', revoked: 0 } });
      const outcome = decide(account, { type: 'RevokeGrant', grantId: 'g1', reason: 'again' }, at(3));
      expect(outcome.ok === false && outcome.error.code).to.equal('GRANT_ALREADY_REVOKED');
    });

    it('refuses an unknown grant with GRANT_NOT_FOUND', () => {
      const outcome = decide(openAccount(), { type: 'RevokeGrant', grantId: 'nope', reason: 'x' }, at(1));
      expect(outcome.ok === false && outcome.error.code).to.equal('GRANT_NOT_FOUND');
    });
  });

  describe('when a command is decided with an actor and a reason', () => {
    it('stamps the grant entry with both', () => {
      const account = openAccount();
      decide(account, { type: 'Grant', grantId: 'g1', amount: 5, source: GrantSource.of({ type: 'MANUAL', id: 'm1' }), expiresAt: null, reason: 'goodwill' }, at(0), 'console:alice');
      expect(entriesAfter(account, 0)).to.deep.equal([['grant', 5, 'goodwill', 'console:alice']]);
    });

    it('leaves what time decides first (a hold expiring) unstamped, and the next command unstamped', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      grant(account, { grantId: 'g2', amount: 10 });
      reserve(account, 'r1', 100, { ttlMs: HOUR });
      const sequence = account.ledgerSequence;
      decide(account, { type: 'RevokeGrant', grantId: 'g2', reason: 'typo' }, new Date(at(0).getTime() + 2 * HOUR), 'console:bob');
      decide(account, { type: 'Reserve', reservationId: 'r2', amount: 1, ttlMs: HOUR }, new Date(at(0).getTime() + 2 * HOUR));
      const rows = entriesAfter(account, sequence);
      expect(rows.filter(([type]) => type === 'expire').every(([, , reason, actor]) => reason === null && actor === null)).to.equal(true);
      expect(rows.filter(([type]) => type === 'expire')).to.not.have.length(0);
      expect(rows.filter(([type]) => type === 'revoke')).to.deep.equal([['revoke', 10, 'typo', 'console:bob']]);
      expect(rows.filter(([type]) => type === 'hold')).to.deep.equal([['hold', 1, null, null]]);
    });
  });
});
