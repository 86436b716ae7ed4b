import { causedBy, type ConsumedEvent, type EventHandler, type MikroOrmExecutor } from '@billing/platform';
import type { PaymentFailed, PaymentSucceeded } from '@billing/platform/contracts';
import type { Logger } from 'pino';
import type { PaymentResultOutcome } from '../../application/commands/record-payment-succeeded/payment-result.outcome';
import { RecordPaymentFailedHandler } from '../../application/commands/record-payment-failed/record-payment-failed.handler';
import { RecordPaymentSucceededHandler } from '../../application/commands/record-payment-succeeded/record-payment-succeeded.handler';
import type { RecordUpgradePaymentCommand } from '../../application/commands/record-upgrade-payment/record-upgrade-payment.command';
import { RecordUpgradePaymentHandler } from '../../application/commands/record-upgrade-payment/record-upgrade-payment.handler';
import type { Clock } from '../../application/ports/clock.port';
import type { DunningPolicy } from '../../domain/dunning-policy';
import { sqlStores } from '../../infrastructure/sql-stores';

export const PAYMENT_RESULTS_CONSUMER = 'payment-results';

export interface PaymentResultsDeps {
  clock: Clock;
  dunningPolicy: DunningPolicy;
  logger: Logger;
}

/** An upgrade payment without its changeId is a broken contract: thrown, so it ends in the dead-letter topic. */
function changeOf(event: ConsumedEvent, changeId: string | null | undefined): string {
  if (typeof changeId !== 'string' || changeId === '') throw new Error(`${event.eventType} ${event.eventId} for a subscription upgrade has no changeId`);
  return changeId;
}

/** A SUBSCRIPTION_PERIOD payment without a period is a broken contract: thrown, so it ends in the dead-letter topic. */
function periodOf(event: ConsumedEvent, periodIndex: number | null | undefined): number {
  if (typeof periodIndex !== 'number') {
    throw new Error(`${event.eventType} ${event.eventId} for a subscription period has no periodIndex`);
  }
  return periodIndex;
}

/**
 * billing.payment.v1 → the subscription. Each handler runs in the inbox transaction (applied once per event id);
 * results for other purposes are skipped. What a result did is logged: an unknown subscription or a refused payment
 * is acknowledged (the topic is shared; a refused payment is kept in held_payment_results) but never silent.
 */
export function paymentResultHandlers(deps: PaymentResultsDeps): Record<string, EventHandler<MikroOrmExecutor>> {
  const { clock, dunningPolicy, logger } = deps;
  const report = (event: ConsumedEvent, subscriptionId: string, periodIndex: number, outcome: PaymentResultOutcome) => {
    const fields = { eventId: event.eventId, eventType: event.eventType, subscriptionId, periodIndex, outcome, correlationId: event.context.correlationId };
    if (outcome === 'refused') logger.error(fields, 'payment kept as refused (ended subscription, amount not asked, or upgrade not waiting): refund it');
    else if (outcome === 'unknown_subscription') logger.warn(fields, 'payment result for an unknown subscription skipped');
    else logger.info(fields, 'payment result');
  };
  const handlersFor = (event: ConsumedEvent, tx: MikroOrmExecutor) => {
    const { subscriptions, heldPayments } = sqlStores(tx, causedBy(event.context, event.eventId), clock);
    return { subscriptions, heldPayments, clock, dunningPolicy };
  };
  /** An upgrade's payment, succeeded or failed: one use case either way. */
  const recordUpgrade = async (event: ConsumedEvent, tx: MikroOrmExecutor, payment: PaymentSucceeded | PaymentFailed, result: RecordUpgradePaymentCommand['result']) => {
    const periodIndex = periodOf(event, payment.periodIndex);
    const outcome = await new RecordUpgradePaymentHandler(handlersFor(event, tx)).execute({
      eventId: event.eventId,
      paymentId: payment.paymentId,
      subscriptionId: payment.referenceId,
      periodIndex,
      changeId: changeOf(event, payment.changeId),
      result,
    });
    report(event, payment.referenceId, periodIndex, outcome);
  };
  return {
    async PaymentSucceeded(event, tx) {
      const payment = event.payload as unknown as PaymentSucceeded;
      if (payment.purpose === 'SUBSCRIPTION_UPGRADE') {
        await recordUpgrade(event, tx, payment, { outcome: 'succeeded', amount: payment.amount, currency: payment.currency });
        return;
      }
      if (payment.purpose !== 'SUBSCRIPTION_PERIOD') return;
      const periodIndex = periodOf(event, payment.periodIndex);
      const outcome = await new RecordPaymentSucceededHandler(handlersFor(event, tx)).execute({
        eventId: event.eventId,
        paymentId: payment.paymentId,
        subscriptionId: payment.referenceId,
        periodIndex,
        amount: payment.amount,
        currency: payment.currency,
      });
      report(event, payment.referenceId, periodIndex, outcome);
    },
    async PaymentFailed(event, tx) {
      const payment = event.payload as unknown as PaymentFailed;
      if (payment.purpose === 'SUBSCRIPTION_UPGRADE') {
        await recordUpgrade(event, tx, payment, { outcome: 'failed', reason: payment.reason });
        return;
      }
      if (payment.purpose !== 'SUBSCRIPTION_PERIOD') return;
      const periodIndex = periodOf(event, payment.periodIndex);
      const outcome = await new RecordPaymentFailedHandler(handlersFor(event, tx)).execute({
        eventId: event.eventId,
        paymentId: payment.paymentId,
        subscriptionId: payment.referenceId,
        periodIndex,
        attempt: payment.attempt,
      });
      report(event, payment.referenceId, periodIndex, outcome);
    },
  };
}
