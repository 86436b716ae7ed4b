import type { SubscriptionQueries } from '../../ports/subscription-queries.port';
import { visibleTo } from '../../subscription-lookup';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { GetSubscriptionQuery } from './get-subscription.query';

export class GetSubscriptionHandler {
  constructor(private readonly deps: { readonly subscriptions: SubscriptionQueries }) {}

  /** Throws SUBSCRIPTION_NOT_FOUND, or FORBIDDEN for another customer's subscription under a customer-scoped caller. */
  async execute(query: GetSubscriptionQuery): Promise<SubscriptionView> {
    const found = await this.deps.subscriptions.get(query.subscriptionId);
    return toSubscriptionView(visibleTo(found, query.subscriptionId, query.customerScope));
  }
}
