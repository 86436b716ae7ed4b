import { expect } from 'chai';
import { T0, at, expectDomainError, grant, heldOn, ledgerRows, openAccount, remainingOn, reserve } from './credit-account.test-fixtures';
import type { CreditAccount } from './credit-account.aggregate';

/** 10 on 'soon' (expires in 1 h) and 100 on 'later'; r1 holds 30 of them: 10 on soon, 20 on later. */
function accountWithHold(): CreditAccount {
  const account = openAccount();
  grant(account, { grantId: 'soon', amount: 10, expiresAt: at(3600) });
  grant(account, { grantId: 'later', amount: 100 });
  reserve(account, 'r1', 30, { ttlMs: 60_000 });
  account.pullEvents();
  return account;
}

describe('CreditAccount', () => {
  describe('when a held reservation is captured in full', () => {
    it('consumes the hold: balance and held fall by the amount, capture entries (−x, −x)', () => {
      const account = accountWithHold();
      const sequence = account.ledgerSequence;
      expect(account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(1) })).to.deep.equal({ captured: 30, released: 0 });
      expect([account.balance, account.held, account.available]).to.deep.equal([80, 0, 80]);
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['capture', 'soon', -10, -10],
        ['capture', 'later', -20, -20],
      ]);
      expect(account.findReservation('r1')).to.deep.include({ status: 'CAPTURED', resolvedAt: at(1) });
    });

    it('records ReservationCaptured with nothing released', () => {
      const account = accountWithHold();
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 30, now: at(1) });
      expect(account.pullEvents()).to.deep.equal([
        { type: 'ReservationCaptured', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(1), reservationId: 'r1', captured: 30, released: 0 },
      ]);
    });
  });

  describe('when a held reservation is captured in part', () => {
    it('consumes in burn order and releases the rest of the hold', () => {
      const account = accountWithHold();
      const sequence = account.ledgerSequence;
      expect(account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 12, now: at(1) })).to.deep.equal({ captured: 12, released: 18 });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['capture', 'soon', -10, -10],
        ['capture', 'later', -2, -2],
        ['release', 'later', 0, -18],
      ]);
      expect([remainingOn(account, 'soon'), remainingOn(account, 'later')]).to.deep.equal([0, 98]);
      expect([account.balance, account.held, account.available]).to.deep.equal([98, 0, 98]);
      expect(account.findReservation('r1')?.allocations).to.deep.equal([
        { grantId: 'soon', amount: 10, captured: 10, refunded: 0 },
        { grantId: 'later', amount: 20, captured: 2, refunded: 0 },
      ]);
      account.validate();
    });

    it('records ReservationCaptured with the released remainder', () => {
      const account = accountWithHold();
      account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 1, now: at(1) });
      expect(account.pullEvents()).to.deep.include.members([
        { type: 'ReservationCaptured', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(1), reservationId: 'r1', captured: 1, released: 29 },
      ]);
    });
  });

  describe('when the capture exceeds the hold', () => {
    it('fails with CAPTURE_EXCEEDS_HOLD and leaves the hold as it was', () => {
      const account = accountWithHold();
      const error = expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 31, now: at(1) }), 'CAPTURE_EXCEEDS_HOLD');
      expect(error.details).to.deep.equal({ reservationId: 'r1', requested: 31, held: 30 });
      expect(account.findReservation('r1')?.status).to.equal('HELD');
      expect(account.held).to.equal(30);
    });
  });

  describe('when the capture amount is not a positive integer', () => {
    for (const amount of [0, -1, 0.5]) {
      it(`rejects ${amount} with INVALID_AMOUNT; capturing nothing is a release`, () => {
        const account = accountWithHold();
        expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount, now: at(1) }), 'INVALID_AMOUNT');
        expect(account.findReservation('r1')?.status).to.equal('HELD');
      });
    }
  });

  describe('when a held reservation is released', () => {
    it('gives the whole hold back: held falls, balance stays, release entries (0, −x)', () => {
      const account = accountWithHold();
      const sequence = account.ledgerSequence;
      expect(account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(1) })).to.deep.equal({ released: 30 });
      expect([account.balance, account.held, account.available]).to.deep.equal([110, 0, 110]);
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['release', 'soon', 0, -10],
        ['release', 'later', 0, -20],
      ]);
      expect([heldOn(account, 'soon'), heldOn(account, 'later')]).to.deep.equal([0, 0]);
    });

    it('records ReservationReleased', () => {
      const account = accountWithHold();
      account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(1) });
      expect(account.pullEvents()).to.deep.equal([
        { type: 'ReservationReleased', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(1), reservationId: 'r1', released: 30 },
      ]);
      expect(account.findReservation('r1')?.status).to.equal('RELEASED');
    });
  });

  describe('when the reservation is already resolved', () => {
    const resolutions = {
      captured: (account: CreditAccount) => account.capture({ idempotencyKey: 'first', reservationId: 'r1', amount: 5, now: at(1) }),
      released: (account: CreditAccount) => account.release({ idempotencyKey: 'first', reservationId: 'r1', now: at(1) }),
    };
    for (const [resolution, resolve] of Object.entries(resolutions)) {
      it(`refuses to capture or release one that was ${resolution}, with RESERVATION_ALREADY_RESOLVED`, () => {
        const account = accountWithHold();
        resolve(account);
        expect(account.findReservation('r1')?.resolutionKey).to.equal('first');
        const before = account.toState();
        expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 1, now: at(61) }), 'RESERVATION_ALREADY_RESOLVED');
        const error = expectDomainError(() => account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(61) }), 'RESERVATION_ALREADY_RESOLVED');
        expect(error.details).to.have.property('status', resolution.toUpperCase());
        expect(account.toState()).to.deep.equal(before);
      });
    }

    it('refuses to capture or release one that expired, with RESERVATION_EXPIRED', () => {
      const account = accountWithHold();
      account.expireReservations(at(60));
      const before = account.toState();
      expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 1, now: at(61) }), 'RESERVATION_EXPIRED');
      const error = expectDomainError(() => account.release({ idempotencyKey: 'key', reservationId: 'r1', now: at(61) }), 'RESERVATION_EXPIRED');
      expect(error.details).to.have.property('expiresAt', at(60).toISOString());
      expect(account.toState()).to.deep.equal(before);
    });
  });

  describe('when the reservation is unknown', () => {
    it('fails capture, release and refund with RESERVATION_NOT_FOUND', () => {
      const account = accountWithHold();
      expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'nope', amount: 1, now: at(1) }), 'RESERVATION_NOT_FOUND');
      expectDomainError(() => account.release({ idempotencyKey: 'key', reservationId: 'nope', now: at(1) }), 'RESERVATION_NOT_FOUND');
      expectDomainError(() => account.refundCapture({ reservationId: 'nope', amount: 1, now: at(1) }), 'RESERVATION_NOT_FOUND');
    });
  });

  describe('when a hold outlives its TTL', () => {
    it('expireReservations gives its credits back as expire entries (0, −x), records ReservationExpired and returns its id', () => {
      const account = accountWithHold();
      const sequence = account.ledgerSequence;
      expect(account.expireReservations(at(60))).to.deep.equal(['r1']);
      expect(account.findReservation('r1')).to.deep.include({ status: 'EXPIRED', resolvedAt: at(60), resolutionKey: null });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['expire', 'soon', 0, -10],
        ['expire', 'later', 0, -20],
      ]);
      expect([account.balance, account.held]).to.deep.equal([110, 0]);
      expect(account.pullEvents()).to.deep.equal([
        { type: 'ReservationExpired', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(60), reservationId: 'r1', amount: 30 },
      ]);
      account.validate();
    });

    it('leaves a hold that is not due yet', () => {
      const account = accountWithHold();
      expect(account.expireReservations(at(59))).to.deep.equal([]);
      expect(account.held).to.equal(30);
    });

    it('expires it before a late capture, which then finds it expired', () => {
      const account = accountWithHold();
      expectDomainError(() => account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 5, now: at(60) }), 'RESERVATION_EXPIRED');
      expect(account.findReservation('r1')?.status).to.equal('EXPIRED');
      expect(account.held).to.equal(0);
      account.validate();
    });
  });

  describe('when capture and release come with ids or times that are not valid', () => {
    it('fails with INVALID_IDENTIFIER or INVALID_TIMESTAMP', () => {
      const account = accountWithHold();
      expectDomainError(() => account.release({ idempotencyKey: 'key', reservationId: '', now: T0 }), 'INVALID_IDENTIFIER');
      expectDomainError(() => account.release({ idempotencyKey: 'key', reservationId: 'r1', now: new Date(Number.NaN) }), 'INVALID_TIMESTAMP');
    });
  });
});
