import type { CreditAccountEventBase } from './credit-account-event.base';

/** Also recorded when credits come back (release, refund) to a grant that has already expired. */
export interface CreditsExpired extends CreditAccountEventBase {
  readonly type: 'CreditsExpired';
  readonly grantId: string;
  readonly amount: number;
}
