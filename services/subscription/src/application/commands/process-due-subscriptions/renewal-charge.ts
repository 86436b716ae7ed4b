import { billingPeriod } from '../../../domain/billing-interval.value-object';
import type { DunningAttempt, Subscription } from '../../../domain/subscription.aggregate';
import { InvalidTransitionError } from '../../../domain/subscription.errors';
import type { RenewalCharge } from '../../ports/renewal-requests.port';

/**
 * The charge for a dunning retry: the period being dunned (computed from the anchor, like the domain does) and the
 * terms it is charged at (a pending downgrade applies to it).
 */
export function retryChargeOf(subscription: Subscription, due: DunningAttempt, now: Date): RenewalCharge {
  const state = subscription.toState();
  const terms = state.pendingDowngrade ?? state.plan;
  const anchor = state.billingAnchor ?? state.trialEndsAt;
  if (!anchor) throw new InvalidTransitionError(state.status, 'retry the charge of', 'there is no billing anchor');
  const period = billingPeriod(anchor, terms.interval, due.periodIndex);
  return {
    subscriptionId: state.subscriptionId,
    customerId: state.customerId,
    planId: terms.planId,
    planVersion: terms.version,
    periodIndex: due.periodIndex,
    periodStart: period.start,
    periodEnd: period.end,
    amount: due.amount,
    currency: due.currency,
    attempt: due.attempt,
    occurredAt: now,
  };
}
