import { isUuid } from '../../../domain/domain-guards';
import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { PaymentNotFoundError } from '../../application.errors';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { GetPayment } from './get-payment.query';

export class GetPaymentHandler {
  constructor(private readonly deps: { payments: PaymentRepository }) {}

  /** Throws PAYMENT_NOT_FOUND for an unknown id or a non-uuid id. Whose payment it is, the caller checks (customerId). */
  async execute(query: GetPayment): Promise<PaymentView> {
    const payment = isUuid(query.paymentId) ? await this.deps.payments.findById(query.paymentId.toLowerCase()) : null;
    if (payment === null) throw new PaymentNotFoundError(query.paymentId);
    return toPaymentView(payment);
  }
}
