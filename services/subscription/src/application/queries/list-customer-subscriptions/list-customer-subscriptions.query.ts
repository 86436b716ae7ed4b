import type { SubscriptionListPosition } from '../../ports/subscription-queries.port';

export interface ListCustomerSubscriptionsQuery {
  readonly customerId: string;
  /** 1..100, default 50. */
  readonly limit?: number;
  /** The page starts after this subscription (the previous page's `next`); the first page when omitted. */
  readonly after?: SubscriptionListPosition;
}
