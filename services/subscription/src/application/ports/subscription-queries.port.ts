import type { Plan } from '../../domain/plan.entity';
import type { Subscription } from '../../domain/subscription.aggregate';

/** Reads without locks, for queries; commands load through the SubscriptionRepository. */
export interface SubscriptionQueries {
  get(subscriptionId: string): Promise<Subscription | null>;
  /** Newest first. */
  listByCustomer(customerId: string, limit: number): Promise<Subscription[]>;
}

export interface PlanQueries {
  /** The latest version of every plan, by code. */
  listLatest(limit: number): Promise<Plan[]>;
}
