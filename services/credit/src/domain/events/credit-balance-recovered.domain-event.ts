import type { CreditAccountEventBase } from './credit-account-event.base';

/** After a CreditBalanceLow, once, when available is back to ≥ the threshold (or the threshold is lowered under it). */
export interface CreditBalanceRecovered extends CreditAccountEventBase {
  readonly type: 'CreditBalanceRecovered';
  readonly available: number;
  readonly threshold: number;
}
