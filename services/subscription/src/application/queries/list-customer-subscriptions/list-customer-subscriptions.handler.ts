import { InvalidArgumentError } from '../../../domain/subscription.errors';
import type { SubscriptionQueries } from '../../ports/subscription-queries.port';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { ListCustomerSubscriptionsQuery } from './list-customer-subscriptions.query';

export const MAX_LIST_LIMIT = 100;

export class ListCustomerSubscriptionsHandler {
  constructor(private readonly deps: { readonly subscriptions: SubscriptionQueries }) {}

  /** Every subscription of the customer, newest first (ended ones included: status tells). */
  async execute(query: ListCustomerSubscriptionsQuery): Promise<SubscriptionView[]> {
    const limit = query.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`, { argument: 'limit' });
    }
    const found = await this.deps.subscriptions.listByCustomer(query.customerId, limit);
    return found.map(toSubscriptionView);
  }
}
