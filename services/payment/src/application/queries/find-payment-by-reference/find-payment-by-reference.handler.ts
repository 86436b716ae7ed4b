import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { ReferenceKey } from '../../../domain/payment-reference.value-object';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { FindPaymentByReference } from './find-payment-by-reference.query';

export class FindPaymentByReferenceHandler {
  constructor(private readonly deps: { payments: PaymentRepository }) {}

  /** null when there is none, or when it belongs to another customer than the scoped caller's. */
  async execute(query: FindPaymentByReference): Promise<PaymentView | null> {
    const payment =
      'topUpId' in query
        ? await this.deps.payments.findByReference('CREDIT_TOP_UP', ReferenceKey.topUp(query.topUpId))
        : await this.deps.payments.findByReference(
            'SUBSCRIPTION_PERIOD',
            query.attempt === undefined
              ? ReferenceKey.subscriptionPeriod(query.subscriptionId, query.periodIndex)
              : ReferenceKey.subscriptionPeriodAttempt(query.subscriptionId, query.periodIndex, query.attempt),
          );
    if (payment === null || (query.customerId !== undefined && payment.customerId !== query.customerId)) return null;
    return toPaymentView(payment);
  }
}
