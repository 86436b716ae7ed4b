import type { Subscription } from './subscription.aggregate';

/**
 * Implemented by infrastructure. `save` stores the state and the events pulled from the aggregate in one
 * transaction (the outbox), and must refuse a write based on a stale read (optimistic version), since a scheduler
 * and a payment consumer can load the same subscription at once.
 */
export interface SubscriptionRepository {
  findById(subscriptionId: string): Promise<Subscription | null>;
  save(subscription: Subscription): Promise<void>;
  /** Trialing or active subscriptions whose `renewalDueAt` ≤ now, for markRenewalDue. */
  findRenewalDue(now: Date, limit: number): Promise<Subscription[]>;
  /**
   * past_due subscriptions whose `dunning.nextAttemptAt` ≤ now, for dunningAttemptDue. An implementation may leave
   * out those whose next attempt was already requested (the SQL one does, so they are not claimed on every tick).
   */
  findDunningAttemptDue(now: Date, limit: number): Promise<Subscription[]>;
  /** incomplete subscriptions created at or before `createdAtOrBefore`, for expireIfUnpaid. */
  findIncompleteCreatedBefore(createdAtOrBefore: Date, limit: number): Promise<Subscription[]>;
}
