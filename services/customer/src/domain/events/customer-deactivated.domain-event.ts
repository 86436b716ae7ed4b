import type { CustomerEventBase } from './customer-event.base';

export interface CustomerDeactivated extends CustomerEventBase {
  readonly type: 'CustomerDeactivated';
}
