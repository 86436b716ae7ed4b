import { expect } from 'chai';
import { disputeOutcome, onDisputeClosed, onDisputeOpened } from './dispute-decision';
import { at, eventsOfType, expectDomainError, grant, openAccount, reserve, thrownBy } from './credit-account.test-fixtures';

describe('Dispute decisions', () => {
  describe('when a dispute opens for the first time', () => {
    it('revokes and remembers it open', () => {
      expect(onDisputeOpened(null)).to.deep.equal({ revoke: true, restore: false, next: 'open' });
    });
  });

  describe('when the opening is delivered again', () => {
    it('does nothing more', () => {
      expect(onDisputeOpened('open')).to.deep.equal({ revoke: false, restore: false, next: 'open' });
    });
  });

  describe('when an open dispute is won', () => {
    it('restores', () => {
      expect(onDisputeClosed('open', 'won')).to.deep.equal({ revoke: false, restore: true, next: 'won' });
    });
  });

  describe('when an open dispute is lost', () => {
    it('keeps the credits revoked', () => {
      expect(onDisputeClosed('open', 'lost')).to.deep.equal({ revoke: false, restore: false, next: 'lost' });
    });
  });

  describe('when the closing overtakes the opening', () => {
    it('won: nothing is revoked, then or when the opening arrives', () => {
      const closed = onDisputeClosed(null, 'won');
      expect(closed).to.deep.equal({ revoke: false, restore: false, next: 'won' });
      expect(onDisputeOpened(closed.next)).to.deep.equal({ revoke: false, restore: false, next: 'won' });
    });

    it('lost: revokes at once, and the late opening revokes nothing more', () => {
      const closed = onDisputeClosed(null, 'lost');
      expect(closed).to.deep.equal({ revoke: true, restore: false, next: 'lost' });
      expect(onDisputeOpened(closed.next)).to.deep.equal({ revoke: false, restore: false, next: 'lost' });
    });
  });

  describe('when a closing is delivered again', () => {
    it('does nothing, whatever it says', () => {
      expect(onDisputeClosed('won', 'won')).to.deep.equal({ revoke: false, restore: false, next: 'won' });
      expect(onDisputeClosed('lost', 'won')).to.deep.equal({ revoke: false, restore: false, next: 'lost' });
    });
  });

  describe('when the closed status is read', () => {
    it('counts won and an ended inquiry as won, lost as lost, and refuses anything else', () => {
      expect([disputeOutcome('won'), disputeOutcome('warning_closed'), disputeOutcome('lost')]).to.deep.equal(['won', 'won', 'lost']);
      expect((thrownBy(() => disputeOutcome('under_review')) as { code: string }).code).to.equal('INVALID_DISPUTE_STATUS');
    });
  });
});

describe('CreditAccount', () => {
  describe('when a grant revoked by a dispute is restored', () => {
    it('grants back what the revocation took, sourced from the dispute, with the original expiry and priority', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(3_600), priority: 7 });
      reserve(account, 'r1', 30);
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(1) });
      account.revokeGrant({ grantId: 'g1', now: at(2) });
      account.pullEvents();
      const outcome = account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(3) });
      expect(outcome).to.deep.include({ created: true });
      expect(outcome!.grant).to.deep.include({ grantId: 'g2', amount: 70, expiresAt: at(3_600), priority: 7, source: { type: 'DISPUTE_REVERSAL', id: 'dp_1', period: null } });
      expect(account.available).to.equal(70);
      expect(eventsOfType(account.pullEvents(), 'CreditsGranted').map((event) => event.amount)).to.deep.equal([70]);
      account.validate();
    });

    it('restores once, however often it is asked', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      account.revokeGrant({ grantId: 'g1', now: at(2) });
      account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(3) });
      expect(account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(4) })).to.deep.include({ created: false });
      expect(account.available).to.equal(100);
    });

    it('restores credits released back to the revoked grant too, but not what refunds clawed back', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      account.clawBack({ grantId: 'g1', paymentAmount: 10, totalRefunded: 2, now: at(1) });
      reserve(account, 'r1', 30, { now: at(1) });
      account.revokeGrant({ grantId: 'g1', now: at(2) });
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(3) });
      expect(account.available).to.equal(0);
      const outcome = account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(4) });
      expect(outcome!.grant.amount, '100 − 20 clawed back').to.equal(80);
    });

    it('records the restored credits expired at once when the original expiry has passed', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(60) });
      account.revokeGrant({ grantId: 'g1', now: at(2) });
      account.pullEvents();
      account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(120) });
      expect(eventsOfType(account.pullEvents(), 'CreditsExpired').map((event) => event.amount)).to.deep.equal([100]);
      expect(account.available).to.equal(0);
    });

    it('restores nothing when nothing was revoked', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      expect(account.restoreRevoked({ grantId: 'g1', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(1) })).to.equal(null);
      expectDomainError(() => account.restoreRevoked({ grantId: 'nope', restoreGrantId: 'g2', disputeId: 'dp_1', now: at(1) }), 'GRANT_NOT_FOUND');
    });
  });
});
