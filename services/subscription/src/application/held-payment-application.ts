import type { DunningPolicy } from '../domain/dunning-policy';
import type { Subscription } from '../domain/subscription.aggregate';
import { DomainError } from '../domain/subscription.errors';
import type { HeldPaymentResults, PaymentResult } from './ports/held-payment-results.port';

/** Successes before failures (a paid period makes a failure for it a no-op), then by period and attempt. */
const applicationOrder = (a: PaymentResult, b: PaymentResult): number =>
  a.periodIndex - b.periodIndex ||
  (a.outcome === b.outcome ? 0 : a.outcome === 'succeeded' ? -1 : 1) ||
  (a.attempt ?? 0) - (b.attempt ?? 0);

/** Applies one payment result to the aggregate; true when it changed anything. Domain refusals propagate. */
export function applyPaymentResult(subscription: Subscription, result: PaymentResult, now: Date, policy: DunningPolicy): boolean {
  return result.outcome === 'succeeded'
    ? subscription.recordPaymentSucceeded(result.periodIndex, now, result.paid ?? undefined)
    : subscription.recordPaymentFailed(result.periodIndex, result.attempt ?? 1, now, policy);
}

/**
 * Applies the results that were held because they arrived before their period was due, now that it may be. Each is
 * settled once: applied (or found a no-op), or refused with the domain's code. Returns how many were applied.
 */
export async function applyHeldPaymentResults(
  subscription: Subscription,
  held: HeldPaymentResults,
  now: Date,
  policy: DunningPolicy,
): Promise<number> {
  const lastDue = subscription.toState().lastDuePeriodIndex;
  const results = (await held.heldFor(subscription.subscriptionId, lastDue)).sort(applicationOrder);
  let applied = 0;
  for (const result of results) {
    try {
      applyPaymentResult(subscription, result, now, policy);
      await held.markApplied(result.eventId, now);
      applied += 1;
    } catch (error) {
      // A refused domain command changes nothing, so the others can still be applied.
      if (!(error instanceof DomainError)) throw error;
      await held.markRefused(result.eventId, error.code, now);
    }
  }
  return applied;
}
