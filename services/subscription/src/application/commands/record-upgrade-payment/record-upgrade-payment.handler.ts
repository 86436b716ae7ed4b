import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { DomainError } from '../../../domain/subscription.errors';
import type { Clock } from '../../ports/clock.port';
import type { HeldPaymentResults } from '../../ports/held-payment-results.port';
import type { PaymentResultOutcome } from '../record-payment-succeeded/payment-result.outcome';
import type { RecordUpgradePaymentCommand } from './record-upgrade-payment.command';

export interface RecordUpgradePaymentDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly heldPayments: HeldPaymentResults;
  readonly clock: Clock;
}

/**
 * Applies the result of an upgrade's charge, inside the inbox transaction. Success with the amount asked applies the
 * upgrade (SubscriptionPlanChanged with the prorated credits); another amount, or a failure, fails it
 * (SubscriptionUpgradeFailed) and the plan stays. Money for an upgrade no longer waiting, or for an ended subscription,
 * is kept as refused (held_payment_results) for a refund, never applied.
 */
export class RecordUpgradePaymentHandler {
  constructor(private readonly deps: RecordUpgradePaymentDeps) {}

  async execute(command: RecordUpgradePaymentCommand): Promise<PaymentResultOutcome> {
    const { subscriptions, heldPayments, clock } = this.deps;
    const subscription = await subscriptions.findById(command.subscriptionId);
    if (!subscription) return 'unknown_subscription';
    const now = clock.now();
    const { result } = command;
    try {
      const changed =
        result.outcome === 'succeeded'
          ? subscription.recordUpgradePaymentSucceeded(command.changeId, { amount: result.amount, currency: result.currency }, now)
          : subscription.recordUpgradePaymentFailed(command.changeId, result.reason, now);
      if (!changed) return 'duplicate';
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'UPGRADE_NOT_PENDING' && error.code !== 'INVALID_TRANSITION')) throw error;
      await heldPayments.refuse(
        {
          eventId: command.eventId,
          paymentId: command.paymentId,
          subscriptionId: command.subscriptionId,
          periodIndex: command.periodIndex,
          outcome: 'succeeded',
          attempt: null,
          receivedAt: now,
          paid: result.outcome === 'succeeded' ? { amount: result.amount, currency: result.currency } : null,
        },
        error.code,
        now,
      );
      return 'refused';
    }
    await subscriptions.save(subscription);
    return 'applied';
  }
}
