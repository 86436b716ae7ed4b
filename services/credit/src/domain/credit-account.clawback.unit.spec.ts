import { expect } from 'chai';
import fc from 'fast-check';
import { clawbackTarget } from './clawback';
import type { CreditAccount } from './credit-account.aggregate';
import { at, eventsOfType, expectDomainError, grant, ledgerRows, openAccount, reserve } from './credit-account.test-fixtures';
import type { CreditAccountEvent } from './events/credit-account.domain-event';

/** A top-up of `paid` minor units that granted `credits`, with `spent` of them captured. */
function paidGrant(credits: number, spent = 0): CreditAccount {
  const account = openAccount();
  grant(account, { grantId: 'g1', amount: credits });
  if (spent > 0) {
    reserve(account, 'spend', spent);
    account.capture({ idempotencyKey: 'key', reservationId: 'spend', amount: spent, now: at(1) });
  }
  account.pullEvents();
  return account;
}

const refund = (account: CreditAccount, paymentAmount: number, totalRefunded: number, now = at(10)) =>
  account.clawBack({ grantId: 'g1', paymentAmount, totalRefunded, now });

const revokedIn = (events: readonly CreditAccountEvent[]) => eventsOfType(events, 'CreditsRevoked').reduce((sum, event) => sum + event.amount, 0);

describe('CreditAccount', () => {
  describe('when 40 % of an unspent grant\'s payment is refunded', () => {
    it('revokes 40 % of the credits and leaves the grant open', () => {
      const account = paidGrant(1_000);
      expect(refund(account, 5_000, 2_000)).to.deep.equal({ claimed: 400, revoked: 400, shortfall: 0 });
      expect(account.available).to.equal(600);
      expect(eventsOfType(account.pullEvents(), 'CreditsRevoked').map((event) => event.amount)).to.deep.equal([400]);
      expect(account.findGrant('g1')).to.deep.include({ remaining: 600, revokedAmount: 400, clawbackClaimed: 400, clawbackRevoked: 400, revokedAt: null });
      reserve(account, 'after', 600, { now: at(11) });
      account.validate();
    });
  });

  describe('when more is claimed than is left unspent', () => {
    it('revokes what is left and records the shortfall as an event and a ledger note', () => {
      const account = paidGrant(1_000, 900);
      const sequence = account.ledgerSequence;
      expect(refund(account, 5_000, 2_500)).to.deep.equal({ claimed: 500, revoked: 100, shortfall: 400 });
      expect(ledgerRows(account, sequence)).to.deep.equal([
        ['revoke', 'g1', -100, 0],
        ['shortfall', 'g1', 0, 0],
      ]);
      expect(account.ledgerEntries(sequence).map((entry) => entry.amount)).to.deep.equal([100, 400]);
      expect(eventsOfType(account.pullEvents(), 'CreditsClawbackShortfall')).to.deep.equal([
        { type: 'CreditsClawbackShortfall', accountId: 'acc-1', customerId: 'cus-1', occurredAt: at(10), grantId: 'g1', claimed: 500, revoked: 100, shortfall: 400 },
      ]);
      account.validate();
    });
  });

  describe('when part of what is left is held', () => {
    it('does not take held credits: the hold stays capturable', () => {
      const account = paidGrant(100);
      reserve(account, 'r1', 70, { now: at(2) });
      expect(refund(account, 100, 50)).to.deep.equal({ claimed: 50, revoked: 30, shortfall: 20 });
      expect(account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 70, now: at(11) })).to.deep.equal({ captured: 70, released: 0 });
      account.validate();
    });
  });

  describe('when partial refunds arrive one after another', () => {
    it('revokes each refund\'s share of the cumulative total, so rounding never drifts', () => {
      const account = paidGrant(10);
      // Three refunds of 1 out of 3: floor(10 × 1/3) = 3, floor(10 × 2/3) = 6, floor(10 × 3/3) = 10.
      expect([refund(account, 3, 1).revoked, refund(account, 3, 2).revoked, refund(account, 3, 3).revoked]).to.deep.equal([3, 3, 4]);
      expect(account.findGrant('g1')!.revokedAmount).to.equal(10);
    });
  });

  describe('when a refund event is repeated or an older one arrives late', () => {
    it('claims nothing more', () => {
      const account = paidGrant(1_000);
      refund(account, 5_000, 3_000);
      account.pullEvents();
      expect(refund(account, 5_000, 3_000)).to.deep.equal({ claimed: 0, revoked: 0, shortfall: 0 });
      expect(refund(account, 5_000, 1_000)).to.deep.equal({ claimed: 0, revoked: 0, shortfall: 0 });
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.available).to.equal(400);
    });
  });

  describe('when the refund data is bad', () => {
    it('refuses a non-positive payment amount or a negative refund, changing nothing', () => {
      const account = paidGrant(100);
      expectDomainError(() => refund(account, 0, 0), 'INVALID_AMOUNT');
      expectDomainError(() => refund(account, 100, -1), 'INVALID_AMOUNT');
      expectDomainError(() => refund(account, 100, 1.5), 'INVALID_AMOUNT');
      expect(account.available).to.equal(100);
    });

    it('counts a refund above the payment as the whole payment', () => {
      expect(clawbackTarget({ granted: 7, paymentAmount: 10, totalRefunded: 25 })).to.equal(7);
    });

    it('computes exactly past 2^53', () => {
      expect(clawbackTarget({ granted: 1_000_000_000, paymentAmount: 9_007_199_254_740_991, totalRefunded: 9_007_199_254_740_990 })).to.equal(999_999_999);
    });
  });

  describe('when any partial refunds of one payment are delivered in any order, with duplicates', () => {
    it('revokes floor(c × Σr / p) bounded by what was unspent, never more than c, and the ledger holds', () => {
      const scenario = fc
        .record({
          credits: fc.integer({ min: 1, max: 10_000 }),
          paid: fc.integer({ min: 1, max: 100_000 }),
          spentShare: fc.double({ min: 0, max: 1, noNaN: true }),
          heldShare: fc.double({ min: 0, max: 1, noNaN: true }),
          weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
          refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
          duplicates: fc.array(fc.nat(), { maxLength: 6 }),
          order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 14, maxLength: 14 }),
        })
        .map((input) => {
          // Refund amounts ≥ 1 each that sum to at most the payment.
          const budget = Math.max(input.weights.length, Math.floor(input.paid * input.refundedShare));
          const weightSum = input.weights.reduce((sum, weight) => sum + weight, 0);
          const refunds = input.weights.map((weight) => Math.max(1, Math.floor((budget * weight) / weightSum)));
          return { ...input, refunds };
        })
        .filter(({ refunds, paid }) => refunds.reduce((sum, refundAmount) => sum + refundAmount, 0) <= paid);

      fc.assert(
        fc.property(scenario, ({ credits, paid, spentShare, heldShare, refunds, duplicates, order }) => {
          const spent = Math.floor(credits * spentShare);
          const account = paidGrant(credits, spent);
          const held = Math.floor((credits - spent) * heldShare);
          if (held > 0) reserve(account, 'held', held, { now: at(2) });
          account.pullEvents();
          const totals = refunds.map((_, index) => refunds.slice(0, index + 1).reduce((sum, refundAmount) => sum + refundAmount, 0));
          const deliveries = [...totals, ...duplicates.map((pick) => totals[pick % totals.length]!)]
            .map((total, index) => ({ total, key: order[index % order.length]! + index * 1e-9 }))
            .sort((a, b) => a.key - b.key)
            .map((delivery) => delivery.total);

          let revoked = 0;
          let shortfall = 0;
          for (const total of deliveries) {
            const outcome = refund(account, paid, total);
            revoked += outcome.revoked;
            shortfall += outcome.shortfall;
            account.validate();
          }
          const refunded = totals.at(-1)!;
          const target = Math.floor((credits * refunded) / paid);
          expect(revoked, 'never more than granted').to.be.at.most(credits);
          expect(revoked).to.equal(Math.min(target, credits - spent - held));
          expect(revoked + shortfall, 'every claimed credit is revoked or reported').to.equal(target);
          expect(revokedIn(account.pullEvents())).to.equal(revoked);
          expect(account.available).to.equal(credits - spent - held - revoked);
        }),
        { numRuns: 500 },
      );
    });
  });
});
