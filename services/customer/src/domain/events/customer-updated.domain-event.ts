import type { Currency } from '../currency.value-object';
import type { CustomerEventBase } from './customer-event.base';

export type UpdatableCustomerField = 'email' | 'name' | 'defaultCurrency';

/** Carries the whole updatable profile after the change (consumers need not merge) and which fields changed. */
export interface CustomerUpdated extends CustomerEventBase {
  readonly type: 'CustomerUpdated';
  readonly email: string;
  readonly name: string | null;
  readonly defaultCurrency: Currency;
  /** Non-empty, in the order email, name, defaultCurrency. */
  readonly changedFields: readonly UpdatableCustomerField[];
}
