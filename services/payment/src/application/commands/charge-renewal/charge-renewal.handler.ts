import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import { PaymentOpener } from '../../shared/payment-opener';
import type { ChargeRenewal } from './charge-renewal.command';

export interface ChargeRenewalResult {
  readonly outcome: 'created' | 'existing';
  /** status may already be succeeded or failed: the intent is confirmed on creation. */
  readonly payment: PaymentView;
}

/**
 * One Payment and one PaymentIntent per (subscription, period, attempt), off-session and confirmed at once, idempotency
 * key `subscription:<id>:period:<n>:attempt:<k>`. The gateway's immediate answer is applied, so PaymentSucceeded or
 * PaymentFailed{attempt k} reaches the outbox in this transaction; the later webhook is then a no-op.
 */
export class ChargeRenewalHandler {
  private readonly opener: PaymentOpener;

  constructor(deps: { payments: PaymentRepository; gateway: PaymentGateway; customers: CustomerDirectory; clock: Clock; ids: IdGenerator }) {
    this.opener = new PaymentOpener(deps);
  }

  async execute(command: ChargeRenewal): Promise<ChargeRenewalResult> {
    const { payment, created } = await this.opener.open({
      customerId: command.customerId,
      reference: { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: command.subscriptionId, periodIndex: command.periodIndex },
      amount: command.amount,
      currency: command.currency,
      offSession: true,
      attempt: command.attempt ?? 1,
      confirm: true,
      ...(command.paymentMethod === undefined ? {} : { paymentMethod: command.paymentMethod }),
    });
    return { outcome: created ? 'created' : 'existing', payment: toPaymentView(payment) };
  }
}
