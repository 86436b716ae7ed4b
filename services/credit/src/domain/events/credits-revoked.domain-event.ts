import type { CreditAccountEventBase } from './credit-account-event.base';

/** Also recorded when credits come back (release, refund) to a grant that has already been revoked. */
export interface CreditsRevoked extends CreditAccountEventBase {
  readonly type: 'CreditsRevoked';
  readonly grantId: string;
  readonly amount: number;
  /** Why a person revoked it; null for refunds, disputes and credits revoked when a hold on a revoked grant ended. */
  readonly reason: string | null;
}
