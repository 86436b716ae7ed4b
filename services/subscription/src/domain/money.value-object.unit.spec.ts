import { expect } from 'chai';
import { isSupportedCurrency, Money, SUPPORTED_CURRENCIES } from './money.value-object';
import { InvalidMoneyError } from './subscription.errors';

describe('Money', () => {
  describe('when created', () => {
    it('holds integer minor units of an allowed currency', () => {
      const money = Money.of(2_900, 'EUR');
      expect([money.amount, money.currency]).to.deep.equal([2_900, 'EUR']);
      expect(Money.of(0, 'JPY').isPositive()).to.equal(false);
    });

    it('refuses negative, fractional and non-finite amounts', () => {
      for (const amount of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        expect(() => Money.of(amount, 'EUR'), String(amount)).to.throw(InvalidMoneyError).with.property('code', 'INVALID_MONEY');
      }
    });

    it('refuses a currency outside the allow-list, including lower case', () => {
      for (const currency of ['XYZ', 'eur', 'BTC', '']) {
        expect(() => Money.of(1, currency), currency).to.throw(InvalidMoneyError);
      }
    });
  });

  describe('when compared', () => {
    it('compares within one currency and refuses across currencies', () => {
      expect(Money.of(3, 'EUR').isGreaterThan(Money.of(2, 'EUR'))).to.equal(true);
      expect(Money.of(2, 'EUR').equals(Money.of(2, 'EUR'))).to.equal(true);
      expect(() => Money.of(3, 'EUR').isGreaterThan(Money.of(2, 'USD'))).to.throw(InvalidMoneyError);
    });
  });

  it('exports the allow-list as ISO 4217 codes', () => {
    expect(SUPPORTED_CURRENCIES.every((code) => /^[A-Z]{3}$/.test(code) && isSupportedCurrency(code))).to.equal(true);
  });
});
