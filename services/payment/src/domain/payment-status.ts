import { InvalidStatusError } from './payment.errors';

/**
 * Our status of one PaymentIntent. Stripe has no `failed` status (a failed intent goes back to
 * `requires_payment_method` with a `last_payment_error`); we name it, because a failure is a fact consumers act on.
 */
export const PAYMENT_STATUSES = ['requires_payment_method', 'processing', 'failed', 'succeeded', 'canceled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * State only moves to a higher rank. An observation of equal or lower rank is a late or repeated delivery and
 * changes nothing. `failed` ranks above `processing` (a late `processing` must not undo a failure) and below the
 * terminal pair, so an on-session intent the customer confirms again after a failure can still succeed or be
 * canceled; going from `failed` back to an earlier rank takes an explicit `retry()`.
 */
export const STATUS_RANK: Readonly<Record<PaymentStatus, number>> = {
  requires_payment_method: 0,
  processing: 1,
  failed: 2,
  succeeded: 3,
  canceled: 3,
};

export const isTerminal = (status: PaymentStatus): boolean => status === 'succeeded' || status === 'canceled';

export const isForwardMove = (from: PaymentStatus, to: PaymentStatus): boolean => STATUS_RANK[to] > STATUS_RANK[from];

export function requirePaymentStatus(value: unknown, field = 'status'): PaymentStatus {
  if (typeof value !== 'string' || !(PAYMENT_STATUSES as readonly string[]).includes(value)) throw new InvalidStatusError(field, value);
  return value as PaymentStatus;
}
