import type { Subscription } from '../domain/subscription.aggregate';
import { ForbiddenError, SubscriptionNotFoundError } from './application.errors';

/**
 * A subscription the caller may act on: SUBSCRIPTION_NOT_FOUND when there is none, FORBIDDEN for a caller scoped to
 * another customer (a customer-scoped service token), the platform's one answer for another customer's data. Called
 * right after the load, so nothing is changed before the refusal.
 */
export function visibleTo(
  subscription: Subscription | null,
  subscriptionId: string,
  customerScope: string | undefined,
): Subscription {
  if (!subscription) throw new SubscriptionNotFoundError(subscriptionId);
  if (customerScope !== undefined && subscription.customerId !== customerScope) throw new ForbiddenError(subscriptionId);
  return subscription;
}
