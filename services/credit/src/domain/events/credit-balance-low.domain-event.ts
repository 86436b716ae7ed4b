import type { CreditAccountEventBase } from './credit-account-event.base';

/** Once per downward crossing of the threshold; re-armed when available gets back to ≥ threshold. */
export interface CreditBalanceLow extends CreditAccountEventBase {
  readonly type: 'CreditBalanceLow';
  readonly available: number;
  readonly threshold: number;
}
