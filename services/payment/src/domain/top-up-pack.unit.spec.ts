import { expect } from 'chai';
import { TopUpPack } from './top-up-pack.entity';
import { refuseCallerPrice } from './top-up-pricing';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const LATER = new Date('2030-01-02T00:00:00.000Z');

const givenPack = () =>
  TopUpPack.create({ code: 'credits-500', credits: 500, prices: [{ amount: 1_000, currency: 'eur' }, { amount: 1_100, currency: 'USD' }], now: NOW });

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('TopUpPack', () => {
  describe('given an active pack of 500 credits at 1000 EUR / 1100 USD', () => {
    it('when quoted in EUR, then it charges 1000 EUR for 500 credits', () => {
      expect(givenPack().quote('EUR')).to.deep.equal({ packCode: 'credits-500', credits: 500, amount: 1_000, currency: 'EUR' });
    });

    it('when quoted in lower-case usd, then it charges its USD price', () => {
      expect(givenPack().quote('usd')).to.include({ amount: 1_100, currency: 'USD' });
    });

    it('when quoted in a currency it has no price in, then TOP_UP_PACK_NOT_PRICED', () => {
      expect(codeOf(() => givenPack().quote('GBP'))).to.equal('TOP_UP_PACK_NOT_PRICED');
    });

    it('when its price changes, then later quotes use the new price', () => {
      const pack = givenPack();
      expect(pack.change({ prices: [{ amount: 900, currency: 'EUR' }], now: LATER })).to.equal(true);
      expect(pack.quote('EUR')).to.include({ amount: 900, credits: 500 });
      expect(codeOf(() => pack.quote('USD'))).to.equal('TOP_UP_PACK_NOT_PRICED');
    });

    it('when changed to what it already is, then nothing changes', () => {
      const pack = givenPack();
      expect(pack.change({ credits: 500, prices: [{ amount: 1_100, currency: 'USD' }, { amount: 1_000, currency: 'EUR' }], now: LATER })).to.equal(false);
      expect(pack.toState().updatedAt).to.deep.equal(NOW);
    });

    it('when deactivated, then it is no longer sold (TOP_UP_PACK_NOT_ACTIVE), and deactivating again is a no-op', () => {
      const pack = givenPack();
      expect(pack.deactivate(LATER)).to.equal(true);
      expect(codeOf(() => pack.quote('EUR'))).to.equal('TOP_UP_PACK_NOT_ACTIVE');
      expect(pack.deactivate(LATER)).to.equal(false);
    });
  });

  describe('when a pack is created with broken terms', () => {
    const cases: [string, Parameters<typeof TopUpPack.create>[0], string][] = [
      ['an upper-case code', { code: 'Credits', credits: 1, prices: [{ amount: 1, currency: 'EUR' }], now: NOW }, 'INVALID_TOP_UP_PACK'],
      ['zero credits', { code: 'p', credits: 0, prices: [{ amount: 1, currency: 'EUR' }], now: NOW }, 'INVALID_TOP_UP_PACK'],
      ['fractional credits', { code: 'p', credits: 1.5, prices: [{ amount: 1, currency: 'EUR' }], now: NOW }, 'INVALID_TOP_UP_PACK'],
      ['no price', { code: 'p', credits: 1, prices: [], now: NOW }, 'INVALID_TOP_UP_PACK'],
      ['two prices in one currency', { code: 'p', credits: 1, prices: [{ amount: 1, currency: 'EUR' }, { amount: 2, currency: 'eur' }], now: NOW }, 'INVALID_TOP_UP_PACK'],
      ['a fractional price', { code: 'p', credits: 1, prices: [{ amount: 9.99, currency: 'EUR' }], now: NOW }, 'INVALID_AMOUNT'],
      ['a free pack', { code: 'p', credits: 1, prices: [{ amount: 0, currency: 'EUR' }], now: NOW }, 'INVALID_AMOUNT'],
      ['an unknown currency', { code: 'p', credits: 1, prices: [{ amount: 1, currency: 'BTC' }], now: NOW }, 'INVALID_CURRENCY'],
    ];
    for (const [name, input, code] of cases) {
      it(`then ${name} is refused with ${code}`, () => {
        expect(codeOf(() => TopUpPack.create(input))).to.equal(code);
      });
    }
  });
});

describe('Top-up pricing', () => {
  describe('given a top-up request', () => {
    it('when it names only a pack and a currency, then it is accepted', () => {
      expect(codeOf(() => refuseCallerPrice({ customerId: 'c', packCode: 'credits-500', currency: 'EUR' }))).to.equal(undefined);
    });

    it('when it names an amount, then PRICE_NOT_ACCEPTED, listing the field', () => {
      let refused: unknown;
      try {
        refuseCallerPrice({ customerId: 'c', packCode: 'credits-500', currency: 'EUR', amount: 1 });
      } catch (error) {
        refused = error;
      }
      expect(refused).to.deep.include({ code: 'PRICE_NOT_ACCEPTED', details: { fields: ['amount'] } });
    });

    it('when it has the old shape (credits and amount), then PRICE_NOT_ACCEPTED', () => {
      expect(codeOf(() => refuseCallerPrice({ customerId: 'c', credits: 1_000_000, amount: 1, currency: 'EUR' }))).to.equal('PRICE_NOT_ACCEPTED');
    });

    it('when it names an amount of null, then PRICE_NOT_ACCEPTED all the same', () => {
      expect(codeOf(() => refuseCallerPrice({ packCode: 'p', currency: 'EUR', amount: null }))).to.equal('PRICE_NOT_ACCEPTED');
    });
  });
});
