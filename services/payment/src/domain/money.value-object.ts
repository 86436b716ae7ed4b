import { InvalidAmountError, InvalidCurrencyError } from './payment.errors';

/**
 * Currencies we charge in. An explicit allow-list, because an amount in minor units only means something once the
 * currency's exponent is known (JPY has none, EUR has two); adding a currency is a deliberate change.
 */
export const SUPPORTED_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD', 'AUD', 'JPY'] as const;

export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

/** Stripe's own ceiling for one charge (eight digits of minor units); above it the gateway refuses anyway. */
export const MAX_AMOUNT = 99_999_999;

export const Currency = {
  /** Accepts Stripe's lower-case codes ("eur") and normalises them to ISO 4217 upper case. */
  of(value: unknown): Currency {
    const normalised = typeof value === 'string' ? value.trim().toUpperCase() : value;
    if (typeof normalised !== 'string' || !(SUPPORTED_CURRENCIES as readonly string[]).includes(normalised)) {
      throw new InvalidCurrencyError(value, SUPPORTED_CURRENCIES);
    }
    return normalised as Currency;
  },
  /** The form Stripe's API takes. */
  toGateway(currency: Currency): string {
    return currency.toLowerCase();
  },
};

/** A positive whole number of minor units (cents; yen for JPY). */
export const MinorAmount = {
  of(value: unknown, field = 'amount'): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_AMOUNT) {
      throw new InvalidAmountError(field, value, MAX_AMOUNT);
    }
    return value;
  },
};
