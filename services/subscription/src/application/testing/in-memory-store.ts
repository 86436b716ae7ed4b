import type { SubscriptionDomainEvent } from '../../domain/events/subscription.domain-event';
import type { PlanProps } from '../../domain/plan.entity';
import type { SubscriptionState } from '../../domain/subscription-state';
import type { KnownCustomer } from '../ports/customer-directory.port';
import type { PaymentResult } from '../ports/held-payment-results.port';
import type { RenewalCharge } from '../ports/renewal-requests.port';

/** What the fakes "commit": the aggregate's events and the dunning retries, in order, like the outbox. */
export type OutboxEntry =
  | { readonly kind: 'domain'; readonly event: SubscriptionDomainEvent }
  | { readonly kind: 'retry'; readonly charge: RenewalCharge };

export interface HeldRow {
  readonly result: PaymentResult;
  readonly status: 'held' | 'applied' | 'refused';
  readonly code: string | null;
}

/**
 * The tables behind the in-memory fakes. A transaction of the fake unit of work snapshots them and restores them
 * when the work throws, so app specs can assert that a refused command wrote nothing.
 */
export class InMemoryStore {
  plans = new Map<string, PlanProps>();
  subscriptions = new Map<string, { state: SubscriptionState; version: number }>();
  outbox: OutboxEntry[] = [];
  renewalRequests = new Set<string>();
  held = new Map<string, HeldRow>();
  customers = new Map<string, KnownCustomer>();

  snapshot(): () => void {
    const copy = {
      plans: new Map(this.plans),
      subscriptions: new Map(this.subscriptions),
      outbox: [...this.outbox],
      renewalRequests: new Set(this.renewalRequests),
      held: new Map(this.held),
      customers: new Map(this.customers),
    };
    return () => Object.assign(this, copy);
  }

  /** The outbox as event type names; dunning retries show as SubscriptionRenewalDue too (that is what is published). */
  outboxTypes(): string[] {
    return this.outbox.map((entry) => (entry.kind === 'domain' ? entry.event.type : 'SubscriptionRenewalDue'));
  }

  domainEvents(): SubscriptionDomainEvent[] {
    return this.outbox.flatMap((entry) => (entry.kind === 'domain' ? [entry.event] : []));
  }

  retries(): RenewalCharge[] {
    return this.outbox.flatMap((entry) => (entry.kind === 'retry' ? [entry.charge] : []));
  }
}

export const requestKey = (subscriptionId: string, periodIndex: number, attempt: number): string =>
  `${subscriptionId}#${periodIndex}#${attempt}`;
