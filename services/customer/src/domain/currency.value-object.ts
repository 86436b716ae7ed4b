import { InvalidCurrencyError } from './customer.errors';

/** ISO 4217 codes a customer may bill in. Adding one is a product decision: the payment service must support it too. */
export const SUPPORTED_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD', 'AUD', 'JPY'] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

const supported: ReadonlySet<string> = new Set(SUPPORTED_CURRENCIES);

export const isCurrency = (value: unknown): value is Currency => typeof value === 'string' && supported.has(value);

export const Currency = {
  /** Accepts any letter case ('eur'), returns the upper-case code. */
  of(value: unknown): Currency {
    const code = typeof value === 'string' ? value.trim().toUpperCase() : value;
    if (!isCurrency(code)) throw new InvalidCurrencyError(value, SUPPORTED_CURRENCIES);
    return code;
  },
} as const;
