import type { Plan } from '../../domain/plan.entity';
import type { Subscription } from '../../domain/subscription.aggregate';

/** The last subscription of a page: the next page starts right after it. */
export interface SubscriptionListPosition {
  readonly createdAt: Date;
  readonly subscriptionId: string;
}

/** Reads without locks, for queries; commands load through the SubscriptionRepository. */
export interface SubscriptionQueries {
  get(subscriptionId: string): Promise<Subscription | null>;
  /**
   * Newest first, ties by subscription id (ascending, byte order): a total order, so paging after `after` skips and
   * repeats nothing.
   */
  listByCustomer(customerId: string, limit: number, after?: SubscriptionListPosition): Promise<Subscription[]>;
}

export interface PlanQueries {
  /** The latest version of every plan, by code (ascending, byte order), starting after the code `afterCode`. */
  listLatest(limit: number, afterCode?: string): Promise<Plan[]>;
}
