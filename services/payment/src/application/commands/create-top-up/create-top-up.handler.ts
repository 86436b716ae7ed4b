import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import { PaymentOpener } from '../../shared/payment-opener';
import type { CreateTopUp } from './create-top-up.command';

export interface CreateTopUpResult {
  readonly outcome: 'created' | 'existing';
  /** clientSecret is what the browser confirms the payment with. */
  readonly payment: PaymentView;
}

/**
 * One on-session PaymentIntent per top-up, idempotency key `top-up:<topUpId>`. The same topUpId with other terms
 * (credits, amount, currency, customer) is PAYMENT_REFERENCE_CONFLICT (HTTP 422).
 */
export class CreateTopUpHandler {
  private readonly opener: PaymentOpener;

  constructor(deps: { payments: PaymentRepository; gateway: PaymentGateway; customers: CustomerDirectory; clock: Clock; ids: IdGenerator }) {
    this.opener = new PaymentOpener(deps);
  }

  async execute(command: CreateTopUp): Promise<CreateTopUpResult> {
    const { payment, created } = await this.opener.open({
      customerId: command.customerId,
      reference: { purpose: 'CREDIT_TOP_UP', topUpId: command.topUpId, credits: command.credits },
      amount: command.amount,
      currency: command.currency,
      offSession: false,
      confirm: false,
    });
    return { outcome: created ? 'created' : 'existing', payment: toPaymentView(payment) };
  }
}
