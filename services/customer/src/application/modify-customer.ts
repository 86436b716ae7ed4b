import type { Customer } from '../domain/customer.aggregate';
import { ConcurrentModificationError, CustomerNotFoundError } from '../domain/customer.errors';
import type { CustomerRepository } from '../domain/customer.repository.port';

/** A conflict means someone saved in between; a handful of fresh attempts settles any realistic race. */
export const MAX_MODIFY_ATTEMPTS = 3;

export interface Modified {
  /** The customer as saved (or as loaded, when nothing changed). */
  readonly customer: Customer;
  readonly changed: boolean;
}

/**
 * Loads the customer, applies `change` (which returns whether it changed anything) and saves it when it did. On
 * ConcurrentModificationError it reloads and applies `change` again to the fresh state, so a concurrent writer's
 * fields are never overwritten with stale ones. `change` must depend on nothing but the customer it is given.
 */
export async function modifyCustomer(customers: CustomerRepository, customerId: string, change: (customer: Customer) => boolean): Promise<Modified> {
  for (let attempt = 1; ; attempt += 1) {
    const customer = await customers.findById(customerId);
    if (customer === null) throw new CustomerNotFoundError({ customerId });
    const changed = change(customer);
    if (!changed) return { customer, changed };
    try {
      await customers.save(customer);
      return { customer, changed };
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_MODIFY_ATTEMPTS) throw error;
    }
  }
}
