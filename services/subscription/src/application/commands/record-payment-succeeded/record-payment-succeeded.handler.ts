import type { DunningPolicy } from '../../../domain/dunning-policy';
import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { DomainError } from '../../../domain/subscription.errors';
import { applyPaymentResult } from '../../held-payment-application';
import type { Clock } from '../../ports/clock.port';
import type { HeldPaymentResults, PaymentResult } from '../../ports/held-payment-results.port';
import type { PaymentResultOutcome } from './payment-result.outcome';
import type { RecordPaymentSucceededCommand } from './record-payment-succeeded.command';

export interface RecordPaymentResultDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly heldPayments: HeldPaymentResults;
  readonly clock: Clock;
  readonly dunningPolicy: DunningPolicy;
}

/**
 * Shared by both payment reactions. Runs inside the inbox transaction, so each event is applied once; the aggregate
 * makes a second event for a paid period a no-op. A result ahead of the aggregate (PERIOD_NOT_DUE) is held rather
 * than thrown: a throw would only be retried a few times and then dead-lettered, while the period may be due days
 * later. A result for an ended subscription (INVALID_TRANSITION), or one that took another amount than the period was
 * charged at (PAYMENT_AMOUNT_MISMATCH), is kept as refused: nothing is granted, and the money is for an operator to refund.
 */
export async function recordPaymentResult(deps: RecordPaymentResultDeps, result: PaymentResult): Promise<PaymentResultOutcome> {
  const { subscriptions, heldPayments, clock, dunningPolicy } = deps;
  const subscription = await subscriptions.findById(result.subscriptionId);
  if (!subscription) return 'unknown_subscription';
  const now = clock.now();
  try {
    if (!applyPaymentResult(subscription, result, now, dunningPolicy)) return 'duplicate';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'PERIOD_NOT_DUE') {
      await heldPayments.hold(result);
      return 'held';
    }
    if (error.code === 'INVALID_TRANSITION' || error.code === 'PAYMENT_AMOUNT_MISMATCH') {
      await heldPayments.refuse(result, error.code, now);
      return 'refused';
    }
    throw error;
  }
  await subscriptions.save(subscription);
  return 'applied';
}

export class RecordPaymentSucceededHandler {
  constructor(private readonly deps: RecordPaymentResultDeps) {}

  /** Activates (period 1) or renews exactly the period paid for; never twice for one period. */
  execute(command: RecordPaymentSucceededCommand): Promise<PaymentResultOutcome> {
    return recordPaymentResult(this.deps, {
      eventId: command.eventId,
      paymentId: command.paymentId,
      subscriptionId: command.subscriptionId,
      periodIndex: command.periodIndex,
      outcome: 'succeeded',
      attempt: null,
      receivedAt: this.deps.clock.now(),
      paid: { amount: command.amount, currency: command.currency },
    });
  }
}
