import { InvalidMoneyError } from './subscription.errors';

/**
 * Currencies we bill in. An explicit allow-list, because an amount in minor units only means something once the
 * currency's minor-unit exponent is known (JPY has none, EUR has two); adding a currency is a deliberate change.
 */
export const SUPPORTED_CURRENCIES = [
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CAD',
  'AUD',
  'JPY',
] as const;

export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

export function isSupportedCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (SUPPORTED_CURRENCIES as readonly string[]).includes(value);
}

/** An amount in integer minor units (cents) of one currency; integers so no sum ever rounds. */
export class Money {
  private constructor(
    readonly amount: number,
    readonly currency: Currency,
  ) {}

  static of(amount: number, currency: string): Money {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new InvalidMoneyError(`Amount must be a non-negative integer of minor units, got ${String(amount)}`, {
        amount,
      });
    }
    if (!isSupportedCurrency(currency)) {
      throw new InvalidMoneyError(`Currency ${String(currency)} is not supported`, { currency });
    }
    return new Money(amount, currency);
  }

  static zero(currency: Currency): Money {
    return new Money(0, currency);
  }

  isPositive(): boolean {
    return this.amount > 0;
  }

  sameCurrencyAs(other: Money): boolean {
    return this.currency === other.currency;
  }

  equals(other: Money): boolean {
    return this.amount === other.amount && this.currency === other.currency;
  }

  /** Comparing across currencies has no meaning without an exchange rate, so it is refused. */
  isGreaterThan(other: Money): boolean {
    if (!this.sameCurrencyAs(other)) {
      throw new InvalidMoneyError(`Cannot compare ${this.currency} with ${other.currency}`, {
        currencies: [this.currency, other.currency],
      });
    }
    return this.amount > other.amount;
  }

  toString(): string {
    return `${this.amount} ${this.currency} (minor units)`;
  }
}
