import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import { PaymentOpener } from '../../shared/payment-opener';
import type { StartSubscriptionPayment } from './start-subscription-payment.command';

export type StartSubscriptionPaymentResult =
  | { readonly outcome: 'created' | 'existing'; readonly payment: PaymentView }
  | { readonly outcome: 'nothing_due' };

/**
 * Idempotency key `subscription:<subscriptionId>:period:<n>`: a redelivered SubscriptionCreated returns the stored
 * payment ('existing') and never opens a second intent. Throws CUSTOMER_NOT_LINKED (retryable) before storing
 * anything, and PAYMENT_GATEWAY_UNAVAILABLE (retryable; the stored payment is completed by the retry).
 */
export class StartSubscriptionPaymentHandler {
  private readonly opener: PaymentOpener;

  constructor(deps: { payments: PaymentRepository; gateway: PaymentGateway; customers: CustomerDirectory; clock: Clock; ids: IdGenerator }) {
    this.opener = new PaymentOpener(deps);
  }

  async execute(command: StartSubscriptionPayment): Promise<StartSubscriptionPaymentResult> {
    if (command.amountDue === 0) return { outcome: 'nothing_due' };
    const { payment, created } = await this.opener.open({
      customerId: command.customerId,
      reference: { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: command.subscriptionId, periodIndex: command.periodIndex },
      amount: command.amountDue,
      currency: command.currency,
      offSession: false,
      confirm: false,
    });
    return { outcome: created ? 'created' : 'existing', payment: toPaymentView(payment) };
  }
}
