import type { SubscriptionRepository } from '../../domain/subscription.repository.port';
import type { HeldPaymentResults } from './held-payment-results.port';
import type { RenewalRequests } from './renewal-requests.port';

/** The stores one transaction of the scheduler works with. */
export interface SchedulerStores {
  readonly subscriptions: SubscriptionRepository;
  readonly heldPayments: HeldPaymentResults;
  readonly renewalRequests: RenewalRequests;
}

/** Runs work in one transaction: state, outbox events and request log commit together or not at all. */
export interface SchedulerUnitOfWork {
  transaction<T>(work: (stores: SchedulerStores) => Promise<T>): Promise<T>;
}
