import { expect } from 'chai';
import { CreditAccount } from './credit-account.aggregate';
import { InvariantViolationError } from './credit-account.errors';
import type { CreditAccountState } from './credit-account.state';
import { SequentialIds, at, expectDomainError, grant, openAccount, reserve } from './credit-account.test-fixtures';

function busyAccount(): CreditAccount {
  const account = openAccount({ lowBalanceThreshold: 20, ids: new SequentialIds('first-') });
  grant(account, { grantId: 'soon', amount: 30, expiresAt: at(3600), priority: 1 });
  grant(account, { grantId: 'later', amount: 70 });
  reserve(account, 'r1', 40);
  reserve(account, 'r2', 10);
  account.capture({ idempotencyKey: 'key', reservationId: 'r1', amount: 25, now: at(1) });
  return account;
}

describe('CreditAccount', () => {
  describe('when reconstituted from its state', () => {
    it('has the same balances, records nothing and continues the ledger sequence with new ids', () => {
      const original = busyAccount();
      const account = CreditAccount.reconstitute(original.toState(), new SequentialIds('second-'));
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.balanceView()).to.deep.equal(original.balanceView());
      const sequence = account.ledgerSequence;
      account.release({ idempotencyKey: 'key', reservationId: 'r2', now: at(2) });
      expect(account.ledgerEntries(sequence).map((entry) => [entry.sequence, entry.entryId])).to.deep.equal([[sequence + 1, 'second-1']]);
      account.validate();
    });

    it('hands out copies: editing returned state does not touch the aggregate', () => {
      const account = busyAccount();
      const state = account.toState();
      const grantState = state.grants[0];
      if (grantState === undefined) throw new Error('no grant');
      grantState.remaining = 0;
      grantState.grantedAt.setTime(0);
      account.findGrant('soon')?.expiresAt?.setTime(0);
      expect(account.toState()).to.not.deep.equal(state);
      expect(account.findGrant('soon')?.expiresAt).to.deep.equal(at(3600));
      account.validate();
    });
  });

  describe('when the stored state breaks an invariant', () => {
    it('refuses it with INVARIANT_VIOLATION naming the broken rule', () => {
      const state: CreditAccountState = busyAccount().toState();
      const tampered = state.grants[1];
      if (tampered === undefined) throw new Error('no grant');
      tampered.remaining += 5;
      const error = expectDomainError(() => CreditAccount.reconstitute(state, new SequentialIds()), 'INVARIANT_VIOLATION');
      expect((error as InvariantViolationError).violations.join('\n')).to.contain('grant later').and.to.contain('Σ ledger');
    });
  });

  describe('when stored clawback or low-balance state contradicts itself', () => {
    it('refuses revoked credits beyond the clawback on an open grant, a clawback above the grant, and an alert while armed', () => {
      const violationsOf = (tamper: (state: CreditAccountState) => void) => {
        const state = busyAccount().toState();
        tamper(state);
        return (expectDomainError(() => CreditAccount.reconstitute(state, new SequentialIds()), 'INVARIANT_VIOLATION') as InvariantViolationError).violations.join('\n');
      };
      const later = (state: CreditAccountState) => state.grants.find((candidate) => candidate.grantId === 'later')!;
      expect(violationsOf((state) => Object.assign(later(state), { remaining: later(state).remaining - 5, revokedAmount: 5 }))).to.contain(
        'revoked credits beyond clawback without revokedAt',
      );
      expect(violationsOf((state) => Object.assign(later(state), { clawbackClaimed: 71 }))).to.contain('clawbackClaimed (71) ≤ amount');
      expect(violationsOf((state) => Object.assign(state, { lowBalanceAlerted: true }))).to.contain('lowBalanceAlerted');
    });

    it('refuses a hold still HELD that names the key of a capture or release', () => {
      const state = busyAccount().toState();
      Object.assign(state.reservations.find((reservation) => reservation.reservationId === 'r2')!, { resolutionKey: 'key' });
      const error = expectDomainError(() => CreditAccount.reconstitute(state, new SequentialIds()), 'INVARIANT_VIOLATION') as InvariantViolationError;
      expect(error.violations.join('\n')).to.contain('reservation r2: HELD with a resolution key');
    });
  });

  describe('when only a suffix of the ledger is loaded', () => {
    it('trusts ledgerBase for the earlier totals and hands out only the new entries', () => {
      const state = busyAccount().toState();
      const loaded = state.ledger.slice(3);
      const earlier = state.ledger.slice(0, 3);
      const last = earlier[earlier.length - 1];
      if (last === undefined) throw new Error('no entries');
      const ledgerBase = {
        sequence: last.sequence,
        balance: earlier.reduce((sum, entry) => sum + entry.balanceDelta, 0),
        held: earlier.reduce((sum, entry) => sum + entry.heldDelta, 0),
      };
      const account = CreditAccount.reconstitute({ ...state, ledgerBase, ledger: loaded }, new SequentialIds('n-'));
      const sequence = account.ledgerSequence;
      expect(account.ledgerEntries().length).to.equal(loaded.length);
      account.release({ idempotencyKey: 'key', reservationId: 'r2', now: at(2) });
      expect(account.ledgerEntries(sequence).map((entry) => entry.entryId)).to.deep.equal(['n-1']);
      expect(account.balance).to.equal(75);
      account.validate();
    });
  });

  describe('when the balance is read', () => {
    it('shows balance, available, held and the grants with credits left, in burn order', () => {
      const view = busyAccount().balanceView();
      expect(view).to.deep.include({ accountId: 'acc-1', customerId: 'cus-1', balance: 75, held: 10, available: 65, lowBalanceThreshold: 20 });
      expect(view.grants).to.deep.equal([
        {
          grantId: 'soon',
          amount: 30,
          remaining: 5,
          held: 0,
          expiresAt: at(3600),
          source: { type: 'TOP_UP', id: 'pay-soon', period: null },
          priority: 1,
          status: 'ACTIVE',
        },
        { grantId: 'later', amount: 70, remaining: 70, held: 10, expiresAt: null, source: { type: 'TOP_UP', id: 'pay-later', period: null }, priority: 100, status: 'ACTIVE' },
      ]);
    });
  });

  describe('when events are pulled', () => {
    it('returns them once and then nothing', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 1 });
      expect(account.pullEvents()).to.have.length(1);
      expect(account.pullEvents()).to.deep.equal([]);
    });
  });
});
