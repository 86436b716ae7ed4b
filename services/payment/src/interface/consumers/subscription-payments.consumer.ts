import { causedBy, type ConsumedEvent, type EventHandler, type MessageContext, type MikroOrmExecutor } from '@billing/platform';
import type { Logger } from 'pino';
import type { SubscriptionCreated, SubscriptionRenewalDue, SubscriptionUpgradeRequested } from '@billing/platform/contracts';
import type { ChargeRenewalHandler } from '../../application/commands/charge-renewal/charge-renewal.handler';
import type { ChargeUpgradeHandler } from '../../application/commands/charge-upgrade/charge-upgrade.handler';
import type { StartSubscriptionPaymentHandler } from '../../application/commands/start-subscription-payment/start-subscription-payment.handler';

export const SUBSCRIPTION_TOPIC = 'billing.subscription.v1';
export const SUBSCRIPTION_PAYMENTS_CONSUMER = 'subscription-payments';

export interface SubscriptionPaymentsDeps {
  /** Handlers whose repository writes outbox rows with this context (the consumed event's causation). */
  startSubscriptionPayment: (context: MessageContext) => StartSubscriptionPaymentHandler;
  chargeRenewal: (context: MessageContext) => ChargeRenewalHandler;
  chargeUpgrade: (context: MessageContext) => ChargeUpgradeHandler;
  logger: Logger;
}

/**
 * billing.subscription.v1 → Stripe PaymentIntents.
 * - SubscriptionCreated: the on-session intent for period 1 (its client secret is read over REST by the front end);
 * - SubscriptionRenewalDue: an off-session intent, confirmed at once, per (subscription, period, attempt).
 * - SubscriptionUpgradeRequested: an off-session intent for the prorated price difference, confirmed at once, per
 *   (subscription, period, changeId).
 * The inbox drops redeliveries of one event; the reference key (= Stripe idempotency key) makes a second event for
 * the same period return the stored payment instead of opening a second intent. The payment row commits in its own
 * transaction before Stripe is called, so a handler retried after a failure sends Stripe identical parameters.
 */
export function subscriptionPaymentHandlers(deps: SubscriptionPaymentsDeps): Record<string, EventHandler<MikroOrmExecutor>> {
  return {
    SubscriptionCreated: async (event: ConsumedEvent) => {
      const payload = event.payload as unknown as SubscriptionCreated;
      const result = await deps.startSubscriptionPayment(causedBy(event.context, event.eventId)).execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        amountDue: payload.amountDue,
        currency: payload.currency,
      });
      deps.logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, outcome: result.outcome, ...('payment' in result ? { paymentId: result.payment.paymentId } : {}) },
        'subscription payment opened',
      );
    },
    SubscriptionRenewalDue: async (event: ConsumedEvent) => {
      const payload = event.payload as unknown as SubscriptionRenewalDue;
      const result = await deps.chargeRenewal(causedBy(event.context, event.eventId)).execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        amount: payload.amount,
        currency: payload.currency,
        attempt: payload.attempt ?? 1,
      });
      deps.logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, attempt: payload.attempt, outcome: result.outcome, paymentId: result.payment.paymentId, status: result.payment.status },
        'renewal charged',
      );
    },
    SubscriptionUpgradeRequested: async (event: ConsumedEvent) => {
      const payload = event.payload as unknown as SubscriptionUpgradeRequested;
      const result = await deps.chargeUpgrade(causedBy(event.context, event.eventId)).execute({
        subscriptionId: payload.subscriptionId,
        customerId: payload.customerId,
        periodIndex: payload.periodIndex,
        changeId: payload.changeId,
        amount: payload.amount,
        currency: payload.currency,
      });
      deps.logger.info(
        { eventId: event.eventId, subscriptionId: payload.subscriptionId, changeId: payload.changeId, outcome: result.outcome, paymentId: result.payment.paymentId, status: result.payment.status },
        'upgrade charged',
      );
    },
  };
}
