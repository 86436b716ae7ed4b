import type { PaymentListPosition, PaymentRepository } from '../../../domain/payment.repository.port';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { ListPayments } from './list-payments.query';

export interface PaymentPage {
  readonly data: PaymentView[];
  /** Where the next page starts; null on the last page. */
  readonly next: PaymentListPosition | null;
}

export class ListPaymentsHandler {
  constructor(private readonly deps: { payments: PaymentRepository }) {}

  async execute(query: ListPayments): Promise<PaymentPage> {
    // One more than asked: whether a next page exists, without a count.
    const found = await this.deps.payments.list(query.filter, { limit: query.limit + 1, ...(query.after === undefined ? {} : { after: query.after }) });
    const page = found.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map(toPaymentView),
      next: found.length > query.limit && last !== undefined ? { createdAt: last.createdAt, paymentId: last.paymentId } : null,
    };
  }
}
