import type { Subscription } from '../domain/subscription.aggregate';
import { SubscriptionNotFoundError } from './application.errors';

/**
 * A subscription the caller may act on. A caller scoped to one customer (a customer-scoped service token) gets
 * SUBSCRIPTION_NOT_FOUND for another customer's subscription, as if it did not exist.
 */
export function visibleTo(
  subscription: Subscription | null,
  subscriptionId: string,
  customerScope: string | undefined,
): Subscription {
  if (!subscription || (customerScope !== undefined && subscription.customerId !== customerScope)) {
    throw new SubscriptionNotFoundError(subscriptionId);
  }
  return subscription;
}
