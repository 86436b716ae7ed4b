import { causedBy, type InboxHandlers, type MikroOrmExecutor } from '@billing/platform';
import type { Logger } from 'pino';
import type { UseCasesIn } from '../payment-use-cases';

export const SUBSCRIPTION_TOPIC = 'billing.subscription.v1';
export const SUBSCRIPTION_PAYMENTS_CONSUMER = 'subscription-payments';

/**
 * billing.subscription.v1 → Stripe PaymentIntents.
 * - SubscriptionCreated: the on-session intent for period 1 (its client secret is read over REST by the front end);
 * - SubscriptionRenewalDue: an off-session intent, confirmed at once, per (subscription, period, attempt).
 * - SubscriptionUpgradeRequested: an off-session intent for the prorated price difference, confirmed at once, per
 *   (subscription, period, changeId).
 * The inbox drops redeliveries of one event; the reference key (= Stripe idempotency key) makes a second event for
 * the same period return the stored payment instead of opening a second intent. The payment row commits in its own
 * transaction before Stripe is called (not on the inbox's), so a handler retried after a failure sends Stripe identical
 * parameters. Outbox rows carry the consumed event as their cause.
 */
export function subscriptionPaymentHandlers(useCasesIn: UseCasesIn, logger: Logger): InboxHandlers<MikroOrmExecutor> {
  return {
    SubscriptionCreated: async (event) => {
      const payload = event.payload;
      const result = await useCasesIn(null, causedBy(event.context, event.eventId)).startSubscriptionPayment.execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        amountDue: payload.amountDue,
        currency: payload.currency,
      });
      logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, outcome: result.outcome, ...('payment' in result ? { paymentId: result.payment.paymentId } : {}) },
        'subscription payment opened',
      );
    },
    SubscriptionRenewalDue: async (event) => {
      const payload = event.payload;
      const result = await useCasesIn(null, causedBy(event.context, event.eventId)).chargeRenewal.execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        amount: payload.amount,
        currency: payload.currency,
        attempt: payload.attempt ?? 1,
      });
      logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, attempt: payload.attempt, outcome: result.outcome, paymentId: result.payment.paymentId, status: result.payment.status },
        'renewal charged',
      );
    },
    SubscriptionUpgradeRequested: async (event) => {
      const payload = event.payload;
      const result = await useCasesIn(null, causedBy(event.context, event.eventId)).chargeUpgrade.execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        changeId: payload.changeId,
        amount: payload.amount,
        currency: payload.currency,
      });
      logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, changeId: payload.changeId, outcome: result.outcome, paymentId: result.payment.paymentId, status: result.payment.status },
        'upgrade charged',
      );
    },
  };
}
