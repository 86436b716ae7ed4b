import type { CustomerDirectory, KnownCustomer } from '../ports/customer-directory.port';
import type { HeldPaymentResults, PaymentResult } from '../ports/held-payment-results.port';
import type { RenewalCharge, RenewalRequests } from '../ports/renewal-requests.port';
import { requestKey, type InMemoryStore } from './in-memory-store';

export class InMemoryCustomerDirectory implements CustomerDirectory {
  constructor(private readonly store: InMemoryStore) {}

  async find(customerId: string): Promise<KnownCustomer | null> {
    return this.store.customers.get(customerId) ?? null;
  }

  async record(customer: KnownCustomer): Promise<boolean> {
    const known = this.store.customers.get(customer.customerId);
    if (known && known.occurredAt > customer.occurredAt) return false;
    this.store.customers.set(customer.customerId, customer);
    return true;
  }
}

export class InMemoryHeldPaymentResults implements HeldPaymentResults {
  constructor(private readonly store: InMemoryStore) {}

  async hold(result: PaymentResult): Promise<void> {
    if (!this.store.held.has(result.eventId)) this.store.held.set(result.eventId, { result, status: 'held', code: null });
  }

  async refuse(result: PaymentResult, code: string): Promise<void> {
    if (!this.store.held.has(result.eventId)) this.store.held.set(result.eventId, { result, status: 'refused', code });
  }

  async heldFor(subscriptionId: string, upToPeriodIndex: number): Promise<PaymentResult[]> {
    return [...this.store.held.values()]
      .filter(
        (row) =>
          row.status === 'held' &&
          row.result.subscriptionId === subscriptionId &&
          row.result.periodIndex <= upToPeriodIndex,
      )
      .map((row) => row.result)
      .sort((a, b) => a.periodIndex - b.periodIndex);
  }

  async markApplied(eventId: string): Promise<void> {
    const row = this.store.held.get(eventId);
    if (row) this.store.held.set(eventId, { ...row, status: 'applied' });
  }

  async markRefused(eventId: string, code: string): Promise<void> {
    const row = this.store.held.get(eventId);
    if (row) this.store.held.set(eventId, { ...row, status: 'refused', code });
  }
}

export class InMemoryRenewalRequests implements RenewalRequests {
  constructor(private readonly store: InMemoryStore) {}

  async requestRetry(charge: RenewalCharge): Promise<boolean> {
    const key = requestKey(charge.subscriptionId, charge.periodIndex, charge.attempt);
    if (this.store.renewalRequests.has(key)) return false;
    this.store.renewalRequests.add(key);
    this.store.outbox.push({ kind: 'retry', charge });
    return true;
  }
}
