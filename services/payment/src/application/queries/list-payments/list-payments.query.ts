import type { PaymentListFilter, PaymentListPosition } from '../../../domain/payment.repository.port';

/**
 * GET /v1/payments: the front end knows what it pays for (the subscription it just created, its top-up), not our
 * payment id; operators list a customer's payments. Oldest first, a page of `limit` after `after`.
 */
export interface ListPayments {
  readonly filter: PaymentListFilter;
  readonly limit: number;
  readonly after?: PaymentListPosition;
}
