import { PriceNotAcceptedError } from './payment.errors';

/** Fields through which a caller would set what it pays or what it gets: the platform decides both. */
export const CALLER_PRICE_FIELDS = ['amount', 'price', 'prices', 'unitAmount', 'credits'] as const;

/** Refuses a top-up request that names a price or a credit count, before anything is read or written. */
export function refuseCallerPrice(request: unknown): void {
  if (typeof request !== 'object' || request === null) return;
  const named = CALLER_PRICE_FIELDS.filter((field) => Object.hasOwn(request, field));
  if (named.length > 0) throw new PriceNotAcceptedError(named);
}
