import type { CreditAccountEventBase } from './credit-account-event.base';

export interface CreditAccountOpened extends CreditAccountEventBase {
  readonly type: 'CreditAccountOpened';
  readonly lowBalanceThreshold: number | null;
}
