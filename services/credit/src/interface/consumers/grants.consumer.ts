import { causedBy, type ConsumedEvent, type InboxHandlers, type SqlExecutor } from '@billing/platform';
import type { IntegrationEvents } from '@billing/platform/contracts';
import type { Logger } from 'pino';
import type { GrantSource } from '../../domain/grant-source.value-object';
import type { CreditUseCases } from '../credit-use-cases';

export const GRANTS_CONSUMER = 'grants';
export const GRANTS_TOPICS = ['billing.customer.v1', 'billing.subscription.v1', 'billing.payment.v1'];

type PaymentRef = Pick<IntegrationEvents['PaymentRefunded'], 'purpose' | 'referenceId' | 'periodIndex' | 'paymentId' | 'customerId'>;

/** The grant a payment bought: a top-up's, or its subscription period's. */
const paymentSource = (payment: PaymentRef): GrantSource =>
  payment.purpose === 'CREDIT_TOP_UP'
    ? { type: 'TOP_UP', id: payment.referenceId, period: null }
    : { type: 'SUBSCRIPTION_PERIOD', id: payment.referenceId, period: payment.periodIndex ?? 1 };

/**
 * The credit service's reactions to other contexts: each event becomes one use case, run by the inbox consumer in one
 * transaction with its processed_messages row, so a redelivered event is applied once.
 */
export function grantsConsumerHandlers(useCases: CreditUseCases, logger: Logger): InboxHandlers<SqlExecutor> {
  const contextOf = (event: ConsumedEvent<unknown>) => causedBy(event.context, event.eventId);
  const traced = (event: ConsumedEvent<unknown>) => ({ correlationId: event.context.correlationId, eventId: event.eventId });

  /**
   * An upgrade's payment paid for the plan change's prorated grant, which its refund and dispute events cannot name yet
   * (they carry no change id): taking it from the period's grant would claw back credits that payment never bought.
   * Left alone and logged for finance; see docs/api.md, "Known limits".
   */
  const isUpgradePayment = (event: ConsumedEvent<unknown>, payment: PaymentRef): boolean => {
    if (payment.purpose !== 'SUBSCRIPTION_UPGRADE') return false;
    logger.warn(
      { customerId: payment.customerId, paymentId: payment.paymentId, ...traced(event) },
      'refund or dispute of an upgrade payment: no credits revoked (its grant cannot be told from the event); review by hand',
    );
    return true;
  };

  const grant = async (
    tx: SqlExecutor,
    event: ConsumedEvent<unknown>,
    command: { customerId: string; amount: number; source: GrantSource; expiresAt: string | null; defaultLowBalanceThreshold?: number | null },
  ) => {
    const result = await useCases.in(tx).grantPaidCredits.execute({ ...command, expiresAt: command.expiresAt ? new Date(command.expiresAt) : null }, contextOf(event));
    if (result.granted) logger.info({ customerId: command.customerId, amount: command.amount, source: command.source, result, ...traced(event) }, 'credits granted');
  };

  return {
    CustomerRegistered: async (event, tx) => {
      const { customerId } = event.payload;
      await useCases.in(tx).openAccount.execute({ customerId }, contextOf(event));
    },
    SubscriptionActivated: async (event, tx) => {
      const activated = event.payload;
      await grant(tx, event, {
        customerId: activated.customerId,
        amount: activated.creditsPerPeriod,
        source: { type: 'SUBSCRIPTION_PERIOD', id: activated.subscriptionId, period: activated.periodIndex },
        expiresAt: activated.creditRollover ? null : activated.periodEnd,
        defaultLowBalanceThreshold: activated.lowBalanceThreshold,
      });
    },
    SubscriptionRenewed: async (event, tx) => {
      const renewed = event.payload;
      await grant(tx, event, {
        customerId: renewed.customerId,
        amount: renewed.credits,
        source: { type: 'SUBSCRIPTION_PERIOD', id: renewed.subscriptionId, period: renewed.periodIndex },
        expiresAt: renewed.creditRollover ? null : renewed.periodEnd,
      });
    },
    SubscriptionPlanChanged: async (event, tx) => {
      const changed = event.payload;
      await grant(tx, event, {
        customerId: changed.customerId,
        amount: changed.proratedCredits,
        source: { type: 'SUBSCRIPTION_PERIOD', id: `${changed.subscriptionId}:plan:${changed.toPlanId}:${changed.toPlanVersion}`, period: changed.periodIndex ?? 0 },
        expiresAt: changed.creditRollover ? null : (changed.periodEnd ?? null),
      });
    },
    PaymentSucceeded: async (event, tx) => {
      const payment = event.payload;
      if (payment.purpose !== 'CREDIT_TOP_UP') return;
      await grant(tx, event, { customerId: payment.customerId, amount: payment.credits ?? 0, source: { type: 'TOP_UP', id: payment.referenceId, period: null }, expiresAt: null });
    },
    PaymentRefunded: async (event, tx) => {
      const refund = event.payload;
      if (isUpgradePayment(event, refund)) return;
      const source = paymentSource(refund);
      const result = await useCases.in(tx).clawBackRefund.execute(
        { customerId: refund.customerId, source, paymentAmount: refund.amount, totalRefunded: refund.totalRefunded },
        contextOf(event),
      );
      logger.info({ customerId: refund.customerId, source, result, ...traced(event) }, 'remembered' in result ? 'refund arrived before its grant: remembered' : 'refund clawed back');
    },
    PaymentDisputed: async (event, tx) => {
      const dispute = event.payload;
      if (isUpgradePayment(event, dispute)) return;
      const result = await useCases.in(tx).recordDisputeOpened.execute({ customerId: dispute.customerId, disputeId: dispute.disputeId, source: paymentSource(dispute) }, contextOf(event));
      if (result.revoke) logger.info({ customerId: dispute.customerId, disputeId: dispute.disputeId, result, ...traced(event) }, 'disputed payment: grant revoked');
    },
    PaymentDisputeClosed: async (event, tx) => {
      const closed = event.payload;
      if (isUpgradePayment(event, closed)) return;
      const result = await useCases.in(tx).recordDisputeClosed.execute(
        { customerId: closed.customerId, disputeId: closed.disputeId, status: closed.status, source: paymentSource(closed) },
        contextOf(event),
      );
      logger.info({ customerId: closed.customerId, disputeId: closed.disputeId, status: closed.status, result, ...traced(event) }, 'dispute closed');
    },
  };
}
