import type { SubscriptionListPosition, SubscriptionQueries } from '../../ports/subscription-queries.port';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import { listLimit, pageOf, type Page } from '../page';
import type { ListCustomerSubscriptionsQuery } from './list-customer-subscriptions.query';

export class ListCustomerSubscriptionsHandler {
  constructor(private readonly deps: { readonly subscriptions: SubscriptionQueries }) {}

  /** The customer's subscriptions, newest first (ended ones included: status tells), a page at a time. */
  async execute(query: ListCustomerSubscriptionsQuery): Promise<Page<SubscriptionView, SubscriptionListPosition>> {
    const limit = listLimit(query.limit);
    const found = await this.deps.subscriptions.listByCustomer(query.customerId, limit + 1, query.after);
    return pageOf(found, limit, toSubscriptionView, (subscription) => ({
      createdAt: subscription.createdAt,
      subscriptionId: subscription.subscriptionId,
    }));
  }
}
