import type { PlanRepository } from '../../domain/plan.repository.port';
import type { SubscriptionRepository } from '../../domain/subscription.repository.port';
import type { CustomerDirectory } from './customer-directory.port';
import type { HeldPaymentResults } from './held-payment-results.port';
import type { RenewalRequests } from './renewal-requests.port';
import type { PlanQueries, SubscriptionQueries } from './subscription-queries.port';

/** Every store of this service, bound to one transaction (what the use cases of one request or event work with). */
export interface SubscriptionStores {
  readonly subscriptions: SubscriptionRepository;
  readonly subscriptionQueries: SubscriptionQueries;
  readonly plans: PlanRepository;
  readonly planQueries: PlanQueries;
  readonly customers: CustomerDirectory;
  readonly heldPayments: HeldPaymentResults;
  readonly renewalRequests: RenewalRequests;
}
