import type { PaymentResultOutcome } from '../record-payment-succeeded/payment-result.outcome';
import { recordPaymentResult, type RecordPaymentResultDeps } from '../record-payment-succeeded/record-payment-succeeded.handler';
import type { RecordPaymentFailedCommand } from './record-payment-failed.command';

export class RecordPaymentFailedHandler {
  constructor(private readonly deps: RecordPaymentResultDeps) {}

  /**
   * A renewal (or trial conversion) goes past_due with the next attempt scheduled by the dunning policy; the last
   * attempt's failure cancels (dunning_exhausted). An incomplete subscription stays incomplete (its customer retries
   * at checkout; it expires after 23 h). Stale attempts are no-ops.
   */
  execute(command: RecordPaymentFailedCommand): Promise<PaymentResultOutcome> {
    return recordPaymentResult(this.deps, {
      eventId: command.eventId,
      paymentId: command.paymentId,
      subscriptionId: command.subscriptionId,
      periodIndex: command.periodIndex,
      outcome: 'failed',
      attempt: command.attempt,
      receivedAt: this.deps.clock.now(),
      paid: null,
    });
  }
}
