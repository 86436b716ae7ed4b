import { InvalidCursorError } from '../../application.errors';
import type { SubscriptionListPosition, SubscriptionQueries } from '../../ports/subscription-queries.port';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import { listCursor, listLimit, pageOf, type Page } from '../page';
import type { ListCustomerSubscriptionsQuery } from './list-customer-subscriptions.query';

const LIST = 'customer-subscriptions';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A cursor names its customer, so one customer's cursor cannot page through another's list. */
function positionOf(customerId: string, cursor: string): SubscriptionListPosition {
  const [owner, createdAt, subscriptionId] = listCursor.decode(LIST, cursor, 3);
  const at = new Date(createdAt!);
  if (owner !== customerId || !ISO_UTC.test(createdAt!) || Number.isNaN(at.getTime())) throw new InvalidCursorError();
  return { createdAt: at, subscriptionId: subscriptionId! };
}

export class ListCustomerSubscriptionsHandler {
  constructor(private readonly deps: { readonly subscriptions: SubscriptionQueries }) {}

  /** The customer's subscriptions, newest first (ended ones included: status tells), a page at a time. */
  async execute(query: ListCustomerSubscriptionsQuery): Promise<Page<SubscriptionView>> {
    const limit = listLimit(query.limit);
    const after = query.cursor === undefined ? undefined : positionOf(query.customerId, query.cursor);
    const found = await this.deps.subscriptions.listByCustomer(query.customerId, limit + 1, after);
    return pageOf(found, limit, toSubscriptionView, (subscription) =>
      listCursor.encode(LIST, [query.customerId, subscription.createdAt.toISOString(), subscription.subscriptionId]),
    );
  }
}
