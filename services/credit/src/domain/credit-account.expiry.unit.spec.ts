import { expect } from 'chai';
import { at, grant, ledgerRows, openAccount, reserve, typesOf } from './credit-account.test-fixtures';

describe('CreditAccount', () => {
  describe('when grants pass their expiresAt', () => {
    it('expires the unheld remaining of every grant due (expiresAt ≤ now) with expire entries (−x, 0)', () => {
      const account = openAccount();
      grant(account, { grantId: 'due', amount: 40, expiresAt: at(60) });
      grant(account, { grantId: 'not-yet', amount: 10, expiresAt: at(61) });
      grant(account, { grantId: 'never', amount: 5 });
      account.pullEvents();
      const sequence = account.ledgerSequence;
      expect(account.expireGrants(at(60))).to.deep.equal([{ grantId: 'due', amount: 40 }]);
      expect(ledgerRows(account, sequence)).to.deep.equal([['expire', 'due', -40, 0]]);
      expect(account.pullEvents()).to.deep.equal([
        { type: 'CreditsExpired', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(60), grantId: 'due', amount: 40 },
      ]);
      expect(account.findGrant('due')).to.deep.include({ remaining: 0, expiredAmount: 40, expiredAt: at(60) });
      expect(account.balance).to.equal(15);
    });

    it('does nothing the second time', () => {
      const account = openAccount();
      grant(account, { grantId: 'due', amount: 40, expiresAt: at(60) });
      account.expireGrants(at(60));
      account.pullEvents();
      expect(account.expireGrants(at(120))).to.deep.equal([]);
      expect(account.pullEvents()).to.deep.equal([]);
    });
  });

  describe('when an expiring grant is partly held', () => {
    it('expires only the unheld part and keeps the hold capturable', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(60) });
      reserve(account, 'r1', 30, { ttlMs: 3_600_000 });
      expect(account.expireGrants(at(60))).to.deep.equal([{ grantId: 'g1', amount: 70 }]);
      expect([account.balance, account.held, account.available]).to.deep.equal([30, 30, 0]);
      expect(account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(61) })).to.deep.equal({ captured: 30, released: 0 });
      account.validate();
    });

    it('expires what a partial capture releases, at once', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(60) });
      reserve(account, 'r1', 30, { ttlMs: 3_600_000 });
      account.expireGrants(at(60));
      account.pullEvents();
      const sequence = account.ledgerSequence;
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 10, now: at(61) });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['capture', 'g1', -10, -10],
        ['release', 'g1', 0, -20],
        ['expire', 'g1', -20, 0],
      ]);
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationCaptured', 'CreditsExpired']);
    });
  });

  describe('when a hold on an expired grant is released', () => {
    it('expires the released part at once, so available does not rise', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(60) });
      reserve(account, 'r1', 30, { ttlMs: 3_600_000 });
      account.expireGrants(at(60));
      account.pullEvents();
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(61) });
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationReleased', 'CreditsExpired']);
      expect(account.findGrant('g1')).to.deep.include({ remaining: 0, held: 0, expiredAmount: 100 });
      expect(account.available).to.equal(0);
    });

    it('expires it the same way when the hold itself expires', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, expiresAt: at(60) });
      reserve(account, 'r1', 30, { ttlMs: 120_000 });
      account.expireGrants(at(60));
      account.pullEvents();
      const sequence = account.ledgerSequence;
      account.expireReservations(at(120));
      expect(account.pullEvents().map((event) => [event.type, 'amount' in event ? event.amount : null])).to.deep.equal([
        ['ReservationExpired', 30],
        ['CreditsExpired', 30],
      ]);
      // The hold's expiry frees the held credits; the closed grant's write-off takes them from the balance.
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['expire', 'g1', 0, -30],
        ['expire', 'g1', -30, 0],
      ]);
      account.validate();
    });
  });

  describe('when a command arrives after a grant expired unswept', () => {
    it('applies the expiry first, then the command', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 10, expiresAt: at(60) });
      account.pullEvents();
      grant(account, { grantId: 'g2', amount: 5, now: at(90) });
      expect(typesOf(account.pullEvents())).to.deep.equal(['CreditsExpired', 'CreditsGranted']);
      expect(account.balance).to.equal(5);
    });
  });

  describe('when a hold and a grant fall due at the same instant and nobody acts on the account', () => {
    it('expireDue expires both as one moment, as a command would: the alarm sees only the result', () => {
      // available 356 < threshold 357: never armed. The hold's expiry alone would lift it to 357 (armed), the grant's
      // then drop it (an alert); both at once leave it below without ever having been above.
      const account = openAccount({ lowBalanceThreshold: 357 });
      grant(account, { grantId: 'g1', amount: 246 });
      reserve(account, 'r1', 1, { ttlMs: 60_000 });
      grant(account, { grantId: 'g2', amount: 111, expiresAt: at(60) });
      account.pullEvents();
      expect(account.expireDue(at(60))).to.deep.equal({ reservations: ['r1'], grants: [{ grantId: 'g2', amount: 111 }] });
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationExpired', 'CreditsExpired']);
      expect(account.available).to.equal(246);
      account.validate();
    });
  });
});
