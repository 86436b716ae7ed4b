import { causedBy, type ConsumedEvent, type InboxHandlers, type MikroOrmExecutor } from '@billing/platform';
import type { PaymentFailed, PaymentSucceeded } from '@billing/platform/contracts';
import type { Logger } from 'pino';
import type { RecordPaymentResultCommand } from '../../application/commands/record-payment-result/record-payment-result.command';
import type { PaymentResultOutcome } from '../../application/commands/record-payment-succeeded/payment-result.outcome';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';

export const PAYMENT_RESULTS_CONSUMER = 'payment-results';

/** An upgrade payment without its changeId is a broken contract: thrown, so it ends in the dead-letter topic. */
function changeOf(event: ConsumedEvent, changeId: string | null | undefined): string {
  if (typeof changeId !== 'string' || changeId === '') throw new Error(`${event.eventType} ${event.eventId} for a subscription upgrade has no changeId`);
  return changeId;
}

/** A subscription payment without a period is a broken contract: thrown, so it ends in the dead-letter topic. */
function periodOf(event: ConsumedEvent, periodIndex: number | null | undefined): number {
  if (typeof periodIndex !== 'number') {
    throw new Error(`${event.eventType} ${event.eventId} for a subscription period has no periodIndex`);
  }
  return periodIndex;
}

/**
 * billing.payment.v1 → the subscription: each result of a subscription's charge (a period's or an upgrade's) is one
 * RecordPaymentResult call, in the inbox transaction (applied once per event id); results for other purposes are
 * skipped. What a result did is logged: an unknown subscription or a refused payment is acknowledged (the topic is
 * shared; a refused payment is kept in held_payment_results) but never silent.
 */
export function paymentResultHandlers(entry: SubscriptionEntryPoint, logger: Logger): InboxHandlers<MikroOrmExecutor> {
  const report = (event: ConsumedEvent, subscriptionId: string, periodIndex: number, outcome: PaymentResultOutcome) => {
    const fields = { eventId: event.eventId, eventType: event.eventType, subscriptionId, periodIndex, outcome, correlationId: event.context.correlationId };
    if (outcome === 'refused') logger.error(fields, 'payment kept as refused (ended subscription, amount not asked, or upgrade not waiting): refund it');
    else if (outcome === 'unknown_subscription') logger.warn(fields, 'payment result for an unknown subscription skipped');
    else logger.info(fields, 'payment result');
  };
  const record = async (event: ConsumedEvent<PaymentSucceeded | PaymentFailed>, tx: MikroOrmExecutor, result: RecordPaymentResultCommand['result']) => {
    const payment = event.payload;
    if (payment.purpose !== 'SUBSCRIPTION_PERIOD' && payment.purpose !== 'SUBSCRIPTION_UPGRADE') return;
    const periodIndex = periodOf(event, payment.periodIndex);
    const outcome = await entry.useCasesIn(tx, causedBy(event.context, event.eventId)).recordPaymentResult.execute({
      eventId: event.eventId,
      paymentId: payment.paymentId,
      subscriptionId: payment.referenceId,
      periodIndex,
      changeId: payment.purpose === 'SUBSCRIPTION_UPGRADE' ? changeOf(event, payment.changeId) : null,
      result,
    });
    report(event, payment.referenceId, periodIndex, outcome);
  };
  return {
    PaymentSucceeded: (event, tx) => record(event, tx, { outcome: 'succeeded', amount: event.payload.amount, currency: event.payload.currency }),
    PaymentFailed: (event, tx) => record(event, tx, { outcome: 'failed', attempt: event.payload.attempt, reason: event.payload.reason }),
  };
}
