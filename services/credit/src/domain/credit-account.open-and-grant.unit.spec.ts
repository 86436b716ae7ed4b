import { expect } from 'chai';
import { CreditAccount, DEFAULT_GRANT_PRIORITY } from './credit-account.aggregate';
import { DomainError, InvalidAmountError } from './credit-account.errors';
import { MAX_CREDIT_AMOUNT } from './credit-amount.value-object';
import { SequentialIds, T0, at, expectDomainError, grant, ledgerRows, openAccount, typesOf } from './credit-account.test-fixtures';
import type { GrantSource } from './grant-source.value-object';

describe('CreditAccount', () => {
  describe('when opened', () => {
    it('records CreditAccountOpened with its ids, threshold and time', () => {
      const account = CreditAccount.create({ accountId: 'acc-1', customerId: 'cus-1', lowBalanceThreshold: 50, now: T0 }, new SequentialIds());
      expect(account.pullEvents()).to.deep.equal([
        { type: 'CreditAccountOpened', accountId: 'acc-1', customerId: 'cus-1', occurredAt: T0, lowBalanceThreshold: 50 },
      ]);
    });

    it('starts empty: no balance, nothing held, no ledger', () => {
      const account = openAccount();
      expect([account.balance, account.held, account.available, account.ledgerSequence]).to.deep.equal([0, 0, 0, 0]);
      expect(account.ledgerEntries()).to.deep.equal([]);
      account.validate();
    });

    it('rejects a missing customerId and a zero threshold', () => {
      expectDomainError(() => CreditAccount.create({ accountId: 'a', customerId: ' ', now: T0 }, new SequentialIds()), 'INVALID_IDENTIFIER');
      expectDomainError(
        () => CreditAccount.create({ accountId: 'a', customerId: 'c', lowBalanceThreshold: 0, now: T0 }, new SequentialIds()),
        'INVALID_AMOUNT',
      );
    });
  });

  describe('when credits are granted', () => {
    it('raises balance and available and appends a grant entry (+amount, 0) with an id from the IdGenerator', () => {
      const account = openAccount({ ids: new SequentialIds('le-') });
      const outcome = grant(account, { grantId: 'g1', amount: 100 });
      expect(outcome.created).to.equal(true);
      expect([account.balance, account.held, account.available]).to.deep.equal([100, 0, 100]);
      expect(account.ledgerEntries()).to.deep.equal([
        {
          entryId: 'le-1',
          accountId: 'acc-1',
          sequence: 1,
          type: 'grant',
          grantId: 'g1',
          reservationId: null,
          amount: 100,
          balanceDelta: 100,
          heldDelta: 0,
          occurredAt: T0,
          reason: null,
          actor: null,
        },
      ]);
    });

    it('records CreditsGranted with source, expiry and priority', () => {
      const account = openAccount();
      const source: GrantSource = { type: 'SUBSCRIPTION_PERIOD', id: 'sub-1', period: 3 };
      account.grant({ grantId: 'g1', amount: 500, source, expiresAt: at(3600), priority: 5, now: T0 });
      expect(account.pullEvents()).to.deep.equal([
        {
          type: 'CreditsGranted',
          accountId: 'acc-1',
          customerId: 'cus-1',
          occurredAt: T0,
          grantId: 'g1',
          amount: 500,
          source,
          expiresAt: at(3600),
          priority: 5,
        },
      ]);
    });

    it('gives a grant without priority the default priority and a full remaining', () => {
      const account = openAccount();
      const { grant: state } = grant(account, { grantId: 'g1', amount: 10 });
      expect(state).to.include({ priority: DEFAULT_GRANT_PRIORITY, remaining: 10, held: 0, consumed: 0, amount: 10 });
    });

    it('accepts exactly MAX_CREDIT_AMOUNT', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: MAX_CREDIT_AMOUNT });
      expect(account.balance).to.equal(MAX_CREDIT_AMOUNT);
    });
  });

  describe('when the same source is granted again', () => {
    it('returns the existing grant and records nothing, even under another grantId and amount', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, sourceType: 'SUBSCRIPTION_PERIOD', sourceId: 'sub-1', period: 1 });
      account.pullEvents();
      const again = grant(account, { grantId: 'g2', amount: 999, sourceType: 'SUBSCRIPTION_PERIOD', sourceId: 'sub-1', period: 1 });
      expect(again.created).to.equal(false);
      expect(again.grant).to.include({ grantId: 'g1', amount: 100 });
      expect(account.pullEvents()).to.deep.equal([]);
      expect(account.ledgerSequence).to.equal(1);
      expect(account.balance).to.equal(100);
    });

    it('treats another period of the same subscription as a new grant', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100, sourceType: 'SUBSCRIPTION_PERIOD', sourceId: 'sub-1', period: 1 });
      const next = grant(account, { grantId: 'g2', amount: 100, sourceType: 'SUBSCRIPTION_PERIOD', sourceId: 'sub-1', period: 2 });
      expect(next.created).to.equal(true);
      expect(account.balance).to.equal(200);
    });
  });

  describe('when a grantId is reused for another source', () => {
    it('fails with GRANT_ALREADY_EXISTS', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 100 });
      expectDomainError(() => grant(account, { grantId: 'g1', amount: 100, sourceId: 'other' }), 'GRANT_ALREADY_EXISTS');
    });
  });

  describe('when the grant amount is not a positive integer up to MAX_CREDIT_AMOUNT', () => {
    for (const amount of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_CREDIT_AMOUNT + 1, '10' as unknown as number]) {
      it(`rejects ${typeof amount === 'string' ? `the string "${amount}"` : String(amount)} with INVALID_AMOUNT and changes nothing`, () => {
        const account = openAccount();
        const error = expectDomainError(() => grant(account, { grantId: 'g1', amount }), 'INVALID_AMOUNT');
        expect(error).to.be.instanceOf(InvalidAmountError).and.to.be.instanceOf(DomainError);
        expect(account.pullEvents()).to.deep.equal([]);
        expect(account.ledgerSequence).to.equal(0);
      });
    }
  });

  describe('when the source is invalid', () => {
    const cases: [string, unknown][] = [
      ['an unknown type', { type: 'GIFT', id: 'x', period: null }],
      ['an empty id', { type: 'TOP_UP', id: '', period: null }],
      ['a subscription period without its period', { type: 'SUBSCRIPTION_PERIOD', id: 'sub-1', period: null }],
      ['a negative period', { type: 'SUBSCRIPTION_PERIOD', id: 'sub-1', period: -1 }],
    ];
    for (const [name, source] of cases) {
      it(`rejects ${name} with INVALID_GRANT_SOURCE`, () => {
        const account = openAccount();
        expectDomainError(() => account.grant({ grantId: 'g1', amount: 1, source: source as GrantSource, now: T0 }), 'INVALID_GRANT_SOURCE');
      });
    }
  });

  describe('when the priority is not an integer', () => {
    it('fails with INVALID_PRIORITY', () => {
      expectDomainError(() => grant(openAccount(), { grantId: 'g1', amount: 1, priority: 0.5 }), 'INVALID_PRIORITY');
    });
  });

  describe('when now or expiresAt is not a valid date', () => {
    it('fails with INVALID_TIMESTAMP', () => {
      expectDomainError(() => grant(openAccount(), { grantId: 'g1', amount: 1, now: new Date(Number.NaN) }), 'INVALID_TIMESTAMP');
      expectDomainError(() => grant(openAccount(), { grantId: 'g1', amount: 1, expiresAt: new Date('nope') }), 'INVALID_TIMESTAMP');
    });
  });

  describe('when a grant arrives after its own expiry', () => {
    it('records it and expires it at once, so a late delivery is still idempotent and never spendable', () => {
      const account = openAccount();
      grant(account, { grantId: 'g1', amount: 40, expiresAt: at(10), now: at(20) });
      expect(typesOf(account.pullEvents())).to.deep.equal(['CreditsGranted', 'CreditsExpired']);
      expect(ledgerRows(account)).to.deep.equal([
        ['grant', 'g1', 40, 0],
        ['expire', 'g1', -40, 0],
      ]);
      expect(account.balance).to.equal(0);
      expect(account.findGrant('g1')).to.include({ remaining: 0, expiredAmount: 40 });
    });
  });
});
