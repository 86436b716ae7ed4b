import { Subscription } from '../../domain/subscription.aggregate';
import type { SubscriptionRepository } from '../../domain/subscription.repository.port';
import { ConcurrentModificationError } from '../ports/store-conflict.errors';
import type { SubscriptionState } from '../../domain/subscription-state';
import type { SubscriptionListPosition, SubscriptionQueries } from '../ports/subscription-queries.port';
import { requestKey, type InMemoryStore } from './in-memory-store';

/** The SQL repository's behaviour without SQL: optimistic versions, outbox, and the once-per-(period, attempt) log. */
export class InMemorySubscriptionRepository implements SubscriptionRepository, SubscriptionQueries {
  private readonly versions = new WeakMap<Subscription, number>();

  constructor(private readonly store: InMemoryStore) {}

  async findById(subscriptionId: string): Promise<Subscription | null> {
    const row = this.store.subscriptions.get(subscriptionId);
    if (!row) return null;
    const subscription = Subscription.reconstitute(row.state);
    this.versions.set(subscription, row.version);
    return subscription;
  }

  async get(subscriptionId: string): Promise<Subscription | null> {
    const row = this.store.subscriptions.get(subscriptionId);
    return row ? Subscription.reconstitute(row.state) : null;
  }

  async listByCustomer(customerId: string, limit: number, after?: SubscriptionListPosition): Promise<Subscription[]> {
    // Newest first, ties by id: the SQL repository's order.
    const newestFirst = (a: SubscriptionState, b: SubscriptionState) =>
      b.createdAt.getTime() - a.createdAt.getTime() || (a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0);
    const afterPosition = (state: SubscriptionState) =>
      after === undefined || newestFirst(state, { ...state, createdAt: after.createdAt, subscriptionId: after.subscriptionId }) > 0;
    return [...this.store.subscriptions.values()]
      .filter((row) => row.state.customerId === customerId && afterPosition(row.state))
      .sort((a, b) => newestFirst(a.state, b.state))
      .slice(0, limit)
      .map((row) => Subscription.reconstitute(row.state));
  }

  async save(subscription: Subscription): Promise<void> {
    const id = subscription.subscriptionId;
    const current = this.store.subscriptions.get(id);
    const loaded = this.versions.get(subscription);
    if ((loaded === undefined && current) || (loaded !== undefined && current?.version !== loaded)) {
      throw new ConcurrentModificationError('Subscription', id);
    }
    const version = (loaded ?? 0) + 1;
    for (const event of subscription.pullEvents()) {
      if (event.type === 'SubscriptionRenewalDue') {
        const key = requestKey(id, event.periodIndex, 1);
        if (this.store.renewalRequests.has(key)) throw new Error(`renewal ${key} requested twice`);
        this.store.renewalRequests.add(key);
      }
      this.store.outbox.push({ kind: 'domain', event });
    }
    this.store.subscriptions.set(id, { state: subscription.toState(), version });
    this.versions.set(subscription, version);
  }

  async findRenewalDue(now: Date, limit: number): Promise<Subscription[]> {
    return this.loadWhere((subscription) => {
      const dueAt = subscription.renewalDueAt;
      return dueAt !== null && dueAt <= now;
    }, limit);
  }

  /** Like the SQL one, leaves out subscriptions whose next attempt was already requested. */
  async findDunningAttemptDue(now: Date, limit: number): Promise<Subscription[]> {
    return this.loadWhere((subscription) => {
      const dunning = subscription.dunning;
      return (
        subscription.status === 'past_due' &&
        dunning !== null &&
        dunning.nextAttemptAt <= now &&
        !this.store.renewalRequests.has(requestKey(subscription.subscriptionId, dunning.periodIndex, dunning.attempt + 1))
      );
    }, limit);
  }

  async findIncompleteCreatedBefore(createdAtOrBefore: Date, limit: number): Promise<Subscription[]> {
    return this.loadWhere(
      (subscription) => subscription.status === 'incomplete' && subscription.toState().createdAt <= createdAtOrBefore,
      limit,
    );
  }

  private async loadWhere(matches: (subscription: Subscription) => boolean, limit: number): Promise<Subscription[]> {
    const found: Subscription[] = [];
    for (const id of this.store.subscriptions.keys()) {
      const subscription = await this.findById(id);
      if (subscription && matches(subscription)) found.push(subscription);
      if (found.length === limit) break;
    }
    return found;
  }
}
