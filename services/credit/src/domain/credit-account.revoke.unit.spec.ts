import { expect } from 'chai';
import { at, expectDomainError, grant, ledgerRows, openAccount, reserve, typesOf } from './credit-account.test-fixtures';

describe('CreditAccount', () => {
  describe('when a grant without holds is revoked', () => {
    it('revokes all it has left with a revoke entry (−x, 0) and CreditsRevoked', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 40);
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 40, now: at(1) });
      account.pullEvents();
      const sequence = account.ledgerSequence;
      expect(account.revokeGrant({ grantId: 'g1', now: at(2) })).to.deep.equal({ revoked: 60 });
      expect(ledgerRows(account, sequence)).to.deep.equal([['revoke', 'g1', -60, 0]]);
      expect(account.pullEvents()).to.deep.equal([
        { type: 'CreditsRevoked', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(2), grantId: 'g1', amount: 60, reason: null },
      ]);
      expect(account.findGrant('g1')).to.deep.include({ remaining: 0, revokedAmount: 60, consumed: 40, revokedAt: at(2) });
      expect(account.balanceView().grants).to.deep.equal([]);
    });
  });

  describe('when part of the grant is held', () => {
    it('revokes only the unheld part and keeps the hold capturable', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      expect(account.revokeGrant({ grantId: 'g1', now: at(1) })).to.deep.equal({ revoked: 70 });
      expect([account.balance, account.held, account.available]).to.deep.equal([30, 30, 0]);
      expect(account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(2) })).to.deep.equal({ captured: 30, released: 0 });
      expect(account.balance).to.equal(0);
      account.validate();
    });

    it('revokes what a partial capture releases, at once', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      account.revokeGrant({ grantId: 'g1', now: at(1) });
      account.pullEvents();
      const sequence = account.ledgerSequence;
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 10, now: at(2) });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['capture', 'g1', -10, -10],
        ['release', 'g1', 0, -20],
        ['revoke', 'g1', -20, 0],
      ]);
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationCaptured', 'CreditsRevoked']);
      expect([account.balance, account.available]).to.deep.equal([0, 0]);
    });

    it('revokes a released hold at once, so available does not rise', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      account.revokeGrant({ grantId: 'g1', now: at(1) });
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(2) });
      expect(account.findGrant('g1')).to.deep.include({ remaining: 0, held: 0, revokedAmount: 100 });
      expect(account.available).to.equal(0);
      account.validate();
    });
  });

  describe('when everything left on the grant is held', () => {
    it('revokes 0 now and records nothing, but revokes the hold once it is released', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 30 });
      reserve(account, 'r1', 30);
      account.pullEvents();
      expect(account.revokeGrant({ grantId: 'g1', now: at(1) })).to.deep.equal({ revoked: 0 });
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.findGrant('g1')?.revokedAt).to.deep.equal(at(1));
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(2) });
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationReleased', 'CreditsRevoked']);
      expect(account.balance).to.equal(0);
    });
  });

  describe('when the grant is already revoked', () => {
    it('returns 0 and records nothing', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      account.revokeGrant({ grantId: 'g1', now: at(1) });
      account.pullEvents();
      const sequence = account.ledgerSequence;
      expect(account.revokeGrant({ grantId: 'g1', now: at(2) })).to.deep.equal({ revoked: 0 });
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.ledgerSequence).to.equal(sequence);
    });
  });

  describe('when a revoked grant could otherwise pay', () => {
    it('is never used for new holds', () => {
      const account = openAccount();
      grant(account, { grantId: 'revoked', amount: 100, expiresAt: at(60) });
      grant(account, { grantId: 'other', amount: 10 });
      account.revokeGrant({ grantId: 'revoked', now: at(1) });
      expectDomainError(() => reserve(account, 'r1', 11, { now: at(2) }), 'INSUFFICIENT_CREDITS');
      expect(reserve(account, 'r2', 10, { now: at(2) }).allocations.map((a) => a.grantId)).to.deep.equal(['other']);
    });
  });

  describe('when the grant is unknown', () => {
    it('fails with GRANT_NOT_FOUND', () => {
      expectDomainError(() => openAccount().revokeGrant({ grantId: 'nope', now: at(1) }), 'GRANT_NOT_FOUND');
    });
  });
});
