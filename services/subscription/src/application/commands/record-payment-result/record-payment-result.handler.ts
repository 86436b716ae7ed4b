import { RecordPaymentFailedHandler } from '../record-payment-failed/record-payment-failed.handler';
import type { PaymentResultOutcome } from '../record-payment-succeeded/payment-result.outcome';
import { RecordPaymentSucceededHandler, type RecordPaymentResultDeps } from '../record-payment-succeeded/record-payment-succeeded.handler';
import { RecordUpgradePaymentHandler } from '../record-upgrade-payment/record-upgrade-payment.handler';
import type { RecordPaymentResultCommand } from './record-payment-result.command';

/**
 * The one use case the payment-results consumer calls, for a success or a failure alike: an upgrade's charge settles
 * the upgrade (RecordUpgradePayment), a period's charge pays the period or starts dunning (RecordPaymentSucceeded /
 * RecordPaymentFailed). Runs inside the inbox transaction, so each event is applied once.
 */
export class RecordPaymentResultHandler {
  private readonly upgrade: RecordUpgradePaymentHandler;
  private readonly succeeded: RecordPaymentSucceededHandler;
  private readonly failed: RecordPaymentFailedHandler;

  constructor(deps: RecordPaymentResultDeps) {
    this.upgrade = new RecordUpgradePaymentHandler(deps);
    this.succeeded = new RecordPaymentSucceededHandler(deps);
    this.failed = new RecordPaymentFailedHandler(deps);
  }

  execute(command: RecordPaymentResultCommand): Promise<PaymentResultOutcome> {
    const { eventId, paymentId, subscriptionId, periodIndex, changeId, result } = command;
    if (changeId !== null) {
      return this.upgrade.execute({
        eventId,
        paymentId,
        subscriptionId,
        periodIndex,
        changeId,
        result: result.outcome === 'succeeded' ? result : { outcome: 'failed', reason: result.reason },
      });
    }
    return result.outcome === 'succeeded'
      ? this.succeeded.execute({ eventId, paymentId, subscriptionId, periodIndex, amount: result.amount, currency: result.currency })
      : this.failed.execute({ eventId, paymentId, subscriptionId, periodIndex, attempt: result.attempt });
  }
}
