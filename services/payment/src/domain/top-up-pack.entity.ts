import { copyDate, requireDate } from './domain-guards';
import { Currency, MinorAmount } from './money.value-object';
import { InvalidTopUpPackError, TopUpPackNotActiveError, TopUpPackNotPricedError } from './payment.errors';
import { MAX_TOP_UP_CREDITS } from './payment-reference.value-object';

/** A price in minor units of one currency. */
export interface PackPrice {
  readonly amount: number;
  readonly currency: Currency;
}

export interface TopUpPackState {
  /** Stable, human-chosen: what callers name when they buy (`credits-500`). */
  code: string;
  credits: number;
  /** One price per currency, sorted by currency. */
  prices: PackPrice[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTopUpPack {
  readonly code: string;
  readonly credits: number;
  readonly prices: readonly { amount: number; currency: string }[];
  readonly now: Date;
}

export interface TopUpPackChange {
  readonly credits?: number;
  readonly prices?: readonly { amount: number; currency: string }[];
  readonly now: Date;
}

/** What a pack costs in one currency: what the top-up charges and grants. */
export interface TopUpQuote {
  readonly packCode: string;
  readonly credits: number;
  readonly amount: number;
  readonly currency: Currency;
}

const CODE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * An entry of the platform's top-up catalogue: so many credits for a fixed price per currency. Callers buy a pack by
 * code; they never name the credits or the price. A deactivated pack stays stored (payments refer to it by what they
 * charged, not by the pack) but is no longer sold. The catalogue records no integration events: nothing outside payment
 * reacts to it, and every top-up's PaymentSucceeded carries the credits and amount it was sold with.
 */
export class TopUpPack {
  private constructor(private readonly state: TopUpPackState) {}

  static create(input: NewTopUpPack): TopUpPack {
    const now = requireDate(input.now, 'now');
    if (typeof input.code !== 'string' || !CODE.test(input.code)) {
      throw new InvalidTopUpPackError('code must be 1-64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit', { code: String(input.code) });
    }
    return new TopUpPack({ code: input.code, credits: packCredits(input.credits), prices: packPrices(input.prices), active: true, createdAt: copyDate(now), updatedAt: copyDate(now) });
  }

  static reconstitute(state: TopUpPackState): TopUpPack {
    return new TopUpPack({ ...state, prices: packPrices(state.prices), createdAt: copyDate(state.createdAt), updatedAt: copyDate(state.updatedAt) });
  }

  get code(): string {
    return this.state.code;
  }
  get active(): boolean {
    return this.state.active;
  }

  /** New credits and/or prices from now on; payments already opened keep what they were sold at. */
  change(change: TopUpPackChange): boolean {
    const now = requireDate(change.now, 'now');
    const credits = change.credits === undefined ? this.state.credits : packCredits(change.credits);
    const prices = change.prices === undefined ? this.state.prices : packPrices(change.prices);
    if (credits === this.state.credits && JSON.stringify(prices) === JSON.stringify(this.state.prices)) return false;
    this.state.credits = credits;
    this.state.prices = prices;
    this.state.updatedAt = copyDate(now);
    return true;
  }

  /** Stops selling the pack; again: false. */
  deactivate(now: Date): boolean {
    requireDate(now, 'now');
    if (!this.state.active) return false;
    this.state.active = false;
    this.state.updatedAt = copyDate(now);
    return true;
  }

  /** The price of this pack in `currency`: the only way a top-up gets its credits and amount. */
  quote(currency: string): TopUpQuote {
    const wanted = Currency.of(currency);
    if (!this.state.active) throw new TopUpPackNotActiveError(this.state.code);
    const price = this.state.prices.find((candidate) => candidate.currency === wanted);
    if (price === undefined) throw new TopUpPackNotPricedError(this.state.code, wanted, this.state.prices.map((candidate) => candidate.currency));
    return { packCode: this.state.code, credits: this.state.credits, amount: price.amount, currency: wanted };
  }

  toState(): TopUpPackState {
    return { ...this.state, prices: this.state.prices.map((price) => ({ ...price })), createdAt: copyDate(this.state.createdAt), updatedAt: copyDate(this.state.updatedAt) };
  }
}

function packCredits(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_TOP_UP_CREDITS) {
    throw new InvalidTopUpPackError(`credits must be an integer from 1 to ${MAX_TOP_UP_CREDITS}`, { credits: String(value) });
  }
  return value;
}

function packPrices(value: readonly { amount: number; currency: string }[]): PackPrice[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidTopUpPackError('a pack needs at least one price');
  const prices = value.map((price) => ({ amount: MinorAmount.of(price?.amount, 'price amount'), currency: Currency.of(price?.currency) }));
  const currencies = new Set(prices.map((price) => price.currency));
  if (currencies.size !== prices.length) throw new InvalidTopUpPackError('one price per currency', { currencies: prices.map((price) => price.currency) });
  return prices.sort((a, b) => a.currency.localeCompare(b.currency));
}
