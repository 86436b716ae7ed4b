import { expect } from 'chai';
import { Currency, SUPPORTED_CURRENCIES } from './currency.value-object';
import { CustomerId } from './customer-id.value-object';
import { CustomerName } from './customer-name.value-object';
import { expectDomainError } from './customer.test-fixtures';
import { Email } from './email.value-object';
import { ExternalAccountId } from './external-account-id.value-object';

describe('customer values', () => {
  describe('Email', () => {
    it('accepts common deliverable addresses, normalised', () => {
      expect(Email.of('first.last+tag@sub.example.co.uk')).to.equal('first.last+tag@sub.example.co.uk');
      expect(Email.of("o'brien@example.com")).to.equal("o'brien@example.com");
      expect(Email.of('X@XN--BCHER-KVA.example')).to.equal('x@xn--bcher-kva.example');
    });

    const malformed = [
      'plain',
      '@example.com',
      'ada@',
      'ada@example',
      'ada@@example.com',
      'ada@exa mple.com',
      'a da@example.com',
      '.ada@example.com',
      'ada.@example.com',
      'a..da@example.com',
      'ada@-example.com',
      'ada@example-.com',
      'ada@example..com',
      'ada@example.123',
      'ada@[127.0.0.1]',
      '"ada"@example.com',
      'adä@example.com',
      `${'l'.repeat(65)}@example.com`,
      `ada@${'d'.repeat(62)}.${'d'.repeat(62)}.${'d'.repeat(62)}.${'d'.repeat(62)}.com`, // 259 characters
      42,
      null,
    ];
    for (const value of malformed) {
      it(`refuses ${JSON.stringify(value).slice(0, 40)} with INVALID_EMAIL`, () => {
        expectDomainError(() => Email.of(value), 'INVALID_EMAIL');
      });
    }

    it('accepts exactly 254 characters', () => {
      const email = `${'l'.repeat(64)}@${'d'.repeat(61)}.${'d'.repeat(61)}.${'d'.repeat(61)}.com`;
      expect(email).to.have.length(254);
      expect(Email.of(email)).to.equal(email);
    });
  });

  describe('Currency', () => {
    it('allows exactly the exported list', () => {
      expect(SUPPORTED_CURRENCIES).to.deep.equal(['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD', 'AUD', 'JPY']);
      for (const code of SUPPORTED_CURRENCIES) expect(Currency.of(code)).to.equal(code);
    });

    it('refuses anything else with INVALID_CURRENCY', () => {
      for (const value of ['', 'EU', 'EURO', 'BTC', 'eu r', 978, null]) expectDomainError(() => Currency.of(value), 'INVALID_CURRENCY');
    });
  });

  describe('CustomerId', () => {
    it('accepts any uuid layout and lower-cases it', () => {
      expect(CustomerId.of('00000000-0000-0000-0000-00000000000A')).to.equal('00000000-0000-0000-0000-00000000000a');
    });

    it('refuses non-uuids with INVALID_CUSTOMER_ID', () => {
      for (const value of ['', '123', '3f1c2a4e5b6d4e7f8a9b0c1d2e3f4a5b', '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5g', ' 3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', 1]) {
        expectDomainError(() => CustomerId.of(value), 'INVALID_CUSTOMER_ID');
      }
    });
  });

  describe('ExternalAccountId', () => {
    it('keeps case and allowed punctuation', () => {
      expect(ExternalAccountId.of('Org:Team-1.a_B')).to.equal('Org:Team-1.a_B');
    });

    it('refuses characters outside [A-Za-z0-9._:-]', () => {
      for (const value of ['a b', 'a/b', 'a@b', 'ä', 'a\nb']) expectDomainError(() => ExternalAccountId.of(value), 'INVALID_EXTERNAL_ACCOUNT_ID');
    });
  });

  describe('CustomerName', () => {
    it('refuses control characters', () => {
      expectDomainError(() => CustomerName.ofOptional('Ada\u0000'), 'INVALID_NAME');
      expectDomainError(() => CustomerName.ofOptional('Ada\nLovelace'), 'INVALID_NAME');
    });

    it('counts code points, not UTF-16 units', () => {
      expect(CustomerName.ofOptional('😀'.repeat(200))).to.have.length(400);
      expectDomainError(() => CustomerName.ofOptional('😀'.repeat(201)), 'INVALID_NAME');
    });
  });
});
