import type { Currency } from '../currency.value-object';
import type { CustomerEventBase } from './customer-event.base';

export interface CustomerRegistered extends CustomerEventBase {
  readonly type: 'CustomerRegistered';
  readonly email: string;
  readonly name: string | null;
  readonly defaultCurrency: Currency;
}
