import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import { PaymentOpener } from '../../shared/payment-opener';
import type { ChargeUpgrade } from './charge-upgrade.command';

export interface ChargeUpgradeResult {
  readonly outcome: 'created' | 'existing';
  /** Usually already succeeded or failed: the intent is confirmed on creation. */
  readonly payment: PaymentView;
}

/**
 * One Payment and one PaymentIntent per upgrade (subscription, period, changeId), purpose SUBSCRIPTION_UPGRADE,
 * off-session with the customer's default payment method and confirmed at once, idempotency key
 * `subscription:<id>:period:<n>:upgrade:<changeId>`. PaymentSucceeded / PaymentFailed carry the changeId back to the
 * subscription, which applies the upgrade only on success. There is no dunning: a failed upgrade is asked for again
 * as a new change.
 */
export class ChargeUpgradeHandler {
  private readonly opener: PaymentOpener;

  constructor(deps: { payments: PaymentRepository; gateway: PaymentGateway; customers: CustomerDirectory; clock: Clock; ids: IdGenerator }) {
    this.opener = new PaymentOpener(deps);
  }

  async execute(command: ChargeUpgrade): Promise<ChargeUpgradeResult> {
    const { payment, created } = await this.opener.open({
      customerId: command.customerId,
      reference: { purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: command.subscriptionId, periodIndex: command.periodIndex, changeId: command.changeId },
      amount: command.amount,
      currency: command.currency,
      offSession: true,
      confirm: true,
    });
    return { outcome: created ? 'created' : 'existing', payment: toPaymentView(payment) };
  }
}
