import { expect } from 'chai';
import type { CreditAccount } from './credit-account.aggregate';
import { at, expectDomainError, grant, ledgerRows, openAccount, remainingOn, reserve, typesOf } from './credit-account.test-fixtures';

/** 'soon' (10, expires in 1 h) and 'later' (100) paid a 30-credit capture: 10 from soon, 20 from later. */
function accountWithCapture(): CreditAccount {
  const account = openAccount();
  grant(account, { grantId: 'soon', amount: 10, expiresAt: at(3600) });
  grant(account, { grantId: 'later', amount: 100 });
  reserve(account, 'r1', 30);
  account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(1) });
  account.pullEvents();
  return account;
}

describe('CreditAccount', () => {
  describe('when a capture is refunded', () => {
    it('gives credits back to the grants that paid, in reverse burn order, as refund entries (+x, 0)', () => {
      const account = accountWithCapture();
      const sequence = account.ledgerSequence;
      const outcome = account.refundCapture({ reservationId: 'r1', amount: 25, now: at(2) });
      expect(outcome).to.deep.equal({ refunded: 25, grants: [{ grantId: 'later', amount: 20 }, { grantId: 'soon', amount: 5 }] });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['refund', 'later', 20, 0],
        ['refund', 'soon', 5, 0],
      ]);
      expect([remainingOn(account, 'soon'), remainingOn(account, 'later'), account.balance]).to.deep.equal([5, 100, 105]);
      account.validate();
    });

    it('records CreditsRefunded naming the grants', () => {
      const account = accountWithCapture();
      account.refundCapture({ reservationId: 'r1', amount: 3, now: at(2) });
      expect(account.pullEvents()).to.deep.equal([
        {
          type: 'CreditsRefunded',
          accountId: 'acc-1',
          customerId: 'cus-1',
          occurredAt: at(2),
          reservationId: 'r1',
          amount: 3,
          grants: [{ grantId: 'later', amount: 3 }],
        },
      ]);
    });

    it('allows several partial refunds up to what was captured', () => {
      const account = accountWithCapture();
      account.refundCapture({ reservationId: 'r1', amount: 20, now: at(2) });
      account.refundCapture({ reservationId: 'r1', amount: 10, now: at(3) });
      expect(account.balance).to.equal(110);
      expect(account.findReservation('r1')?.allocations.map((a) => a.refunded)).to.deep.equal([10, 20]);
    });
  });

  describe('when the refund exceeds what is still refundable', () => {
    it('fails with REFUND_EXCEEDS_CAPTURED and changes nothing', () => {
      const account = accountWithCapture();
      account.refundCapture({ reservationId: 'r1', amount: 20, now: at(2) });
      const before = account.toState();
      const error = expectDomainError(() => account.refundCapture({ reservationId: 'r1', amount: 11, now: at(3) }), 'REFUND_EXCEEDS_CAPTURED');
      expect(error.details).to.deep.equal({ reservationId: 'r1', requested: 11, refundable: 10 });
      expect(account.toState()).to.deep.equal(before);
    });

    it('counts only what a partial capture consumed', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 50);
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 20, now: at(1) });
      expectDomainError(() => account.refundCapture({ reservationId: 'r1', amount: 21, now: at(2) }), 'REFUND_EXCEEDS_CAPTURED');
    });
  });

  describe('when the reservation was not captured', () => {
    it('fails with RESERVATION_NOT_CAPTURED while held and after a release', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 10);
      expectDomainError(() => account.refundCapture({ reservationId: 'r1', amount: 1, now: at(1) }), 'RESERVATION_NOT_CAPTURED');
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(1) });
      expectDomainError(() => account.refundCapture({ reservationId: 'r1', amount: 1, now: at(2) }), 'RESERVATION_NOT_CAPTURED');
    });
  });

  describe('when the refund amount is invalid', () => {
    it('fails with INVALID_AMOUNT', () => {
      const account = accountWithCapture();
      expectDomainError(() => account.refundCapture({ reservationId: 'r1', amount: 0, now: at(2) }), 'INVALID_AMOUNT');
    });
  });

  describe('when a grant that paid has expired since', () => {
    it('refunds to it and expires the refunded credits at once', () => {
      const account = accountWithCapture();
      account.expireGrants(at(3600));
      account.pullEvents();
      const sequence = account.ledgerSequence;
      account.refundCapture({ reservationId: 'r1', amount: 30, now: at(3601) });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['refund', 'later', 20, 0],
        ['refund', 'soon', 10, 0],
        ['expire', 'soon', -10, 0],
      ]);
      expect(typesOf(account.pullEvents())).to.deep.equal(['CreditsRefunded', 'CreditsExpired']);
      expect([account.balance, remainingOn(account, 'soon')]).to.deep.equal([100, 0]);
      account.validate();
    });
  });

  describe('when a grant that paid has been revoked since', () => {
    it('refunds to it and revokes the refunded credits at once', () => {
      const account = accountWithCapture();
      account.revokeGrant({ grantId: 'later', now: at(2) });
      account.pullEvents();
      const sequence = account.ledgerSequence;
      account.refundCapture({ reservationId: 'r1', amount: 5, now: at(3) });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['refund', 'later', 5, 0],
        ['revoke', 'later', -5, 0],
      ]);
      expect(typesOf(account.pullEvents())).to.deep.equal(['CreditsRefunded', 'CreditsRevoked']);
      expect(account.available).to.equal(0);
      account.validate();
    });
  });
});
