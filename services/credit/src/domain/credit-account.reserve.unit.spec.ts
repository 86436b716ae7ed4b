import { expect } from 'chai';
import { MAX_CREDIT_AMOUNT } from './credit-amount.value-object';
import { InsufficientCreditsError } from './credit-account.errors';
import {
  HOUR,
  T0,
  at,
  expectDomainError,
  grant,
  heldOn,
  ledgerRows,
  openAccount,
  reserve,
  typesOf,
} from './credit-account.test-fixtures';
import { MAX_RESERVATION_TTL_MS, MIN_RESERVATION_TTL_MS } from './reservation-ttl.value-object';

describe('CreditAccount', () => {
  describe('when credits are reserved', () => {
    it('holds them: held rises, available falls, balance stays, one hold entry (0, +x) per grant', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 30);
      expect([account.balance, account.held, account.available]).to.deep.equal([100, 30, 70]);
      expect(ledgerRows(account, 1)).to.deep.equal([['hold', 'g1', 0, 30]]);
      expect(account.ledgerEntries(1)[0]?.reservationId).to.equal('r1');
    });

    it('records CreditsReserved expiring ttl after now and returns the HELD reservation', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      account.pullEvents();
      const reservation = account.reserve({ reservationId: 'r1', amount: 30, ttlMs: 90_000, now: at(10) });
      expect(account.pullEvents()).to.deep.equal([
        { type: 'CreditsReserved', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(10), reservationId: 'r1', amount: 30, expiresAt: at(100) },
      ]);
      expect(reservation).to.deep.include({ status: 'HELD', amount: 30, expiresAt: at(100), resolvedAt: null });
      expect(reservation.allocations).to.deep.equal([{ grantId: 'g1', amount: 30, captured: 0, refunded: 0 }]);
    });
  });

  describe('when several grants could pay (burn order)', () => {
    it('takes the soonest-expiring grant first and a never-expiring grant last', () => {
      const account = openAccount();
      grant(account, { grantId: 'forever', amount: 10, priority: -100 });
      grant(account, { grantId: 'late', amount: 10, expiresAt: at(7200) });
      grant(account, { grantId: 'soon', amount: 10, expiresAt: at(3600) });
      const { allocations } = reserve(account, 'r1', 25);
      expect(allocations.map((a) => [a.grantId, a.amount])).to.deep.equal([
        ['soon', 10],
        ['late', 10],
        ['forever', 5],
      ]);
    });

    it('breaks an expiry tie by priority, lower number first', () => {
      const account = openAccount();
      grant(account, { grantId: 'p5', amount: 10, expiresAt: at(3600), priority: 5 });
      grant(account, { grantId: 'p1', amount: 10, expiresAt: at(3600), priority: 1 });
      reserve(account, 'r1', 10);
      expect([heldOn(account, 'p1'), heldOn(account, 'p5')]).to.deep.equal([10, 0]);
    });

    it('breaks a priority tie by the oldest grant, then by grantId', () => {
      const account = openAccount();
      grant(account, { grantId: 'newer', amount: 10, now: at(2) });
      grant(account, { grantId: 'b-old', amount: 10, now: at(1) });
      grant(account, { grantId: 'a-old', amount: 10, now: at(1) });
      const { allocations } = reserve(account, 'r1', 30, { now: at(3) });
      expect(allocations.map((a) => a.grantId)).to.deep.equal(['a-old', 'b-old', 'newer']);
    });

    it('skips what other holds already earmark', () => {
      const account = openAccount();
      grant(account, { grantId: 'soon', amount: 10, expiresAt: at(3600) });
      grant(account, { grantId: 'later', amount: 10 });
      reserve(account, 'r1', 6);
      const { allocations } = reserve(account, 'r2', 6);
      expect(allocations.map((a) => [a.grantId, a.amount])).to.deep.equal([
        ['soon', 4],
        ['later', 2],
      ]);
    });
  });

  describe('when available is less than the amount', () => {
    it('fails with INSUFFICIENT_CREDITS, counting existing holds, and holds nothing', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 80);
      account.pullEvents();
      const error = expectDomainError(() => reserve(account, 'r2', 21), 'INSUFFICIENT_CREDITS');
      expect(error).to.be.instanceOf(InsufficientCreditsError);
      expect(error.details).to.deep.equal({ requested: 21, available: 20 });
      expect([account.held, account.ledgerSequence]).to.deep.equal([80, 2]);
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.findReservation('r2')).to.equal(undefined);
    });

    it('succeeds for exactly what is available', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 100);
      expect(account.available).to.equal(0);
    });
  });

  describe('when the amount is invalid', () => {
    for (const amount of [0, -5, 2.5, Number.NaN, MAX_CREDIT_AMOUNT + 1]) {
      it(`rejects ${amount} with INVALID_AMOUNT`, () => {
        const account = openAccount();
        grant(account, { grantId: 'g1', amount: 100 });
        expectDomainError(() => reserve(account, 'r1', amount), 'INVALID_AMOUNT');
        expect(account.held).to.equal(0);
      });
    }
  });

  describe('when the TTL is out of bounds', () => {
    for (const ttlMs of [0, MIN_RESERVATION_TTL_MS - 1, MAX_RESERVATION_TTL_MS + 1, 1500.5, Number.NaN]) {
      it(`rejects ${ttlMs} ms with INVALID_TTL`, () => {
        const account = openAccount();
        grant(account, { grantId: 'g1', amount: 100 });
        expectDomainError(() => reserve(account, 'r1', 1, { ttlMs }), 'INVALID_TTL');
      });
    }

    it('accepts both bounds', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      expect(reserve(account, 'r1', 1, { ttlMs: MIN_RESERVATION_TTL_MS }).expiresAt).to.deep.equal(at(1));
      expect(reserve(account, 'r2', 1, { ttlMs: MAX_RESERVATION_TTL_MS }).expiresAt).to.deep.equal(at(24 * 3600));
    });
  });

  describe('when the reservationId is already taken', () => {
    it('fails with RESERVATION_ALREADY_EXISTS', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      reserve(account, 'r1', 10);
      expectDomainError(() => reserve(account, 'r1', 10), 'RESERVATION_ALREADY_EXISTS');
      expect(account.held).to.equal(10);
    });
  });

  describe('when a grant has passed its expiry but was not swept yet', () => {
    it('expires it before reserving, so its credits cannot be held', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 50, expiresAt: at(60) });
      account.pullEvents();
      expectDomainError(() => reserve(account, 'r1', 10, { now: at(60) }), 'INSUFFICIENT_CREDITS');
      expect(typesOf(account.pullEvents())).to.deep.equal(['CreditsExpired']);
      expect(account.balance).to.equal(0);
      account.validate();
    });
  });

  describe('when an earlier hold has outlived its TTL', () => {
    it('expires that hold first, so its credits can be reserved again', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 50 });
      reserve(account, 'r1', 50, { ttlMs: HOUR });
      account.pullEvents();
      reserve(account, 'r2', 50, { now: new Date(T0.getTime() + HOUR) });
      expect(typesOf(account.pullEvents())).to.deep.equal(['ReservationExpired', 'CreditsReserved']);
      expect(account.findReservation('r1')?.status).to.equal('EXPIRED');
    });
  });
});
