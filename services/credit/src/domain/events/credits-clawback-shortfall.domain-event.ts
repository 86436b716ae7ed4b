import type { CreditAccountEventBase } from './credit-account-event.base';

/**
 * A refund claimed back more of a grant than was left unspent and unheld: `revoked` was taken, `shortfall` had already
 * been spent (or is held) and is not taken back. Finance reads it; the ledger carries a matching 'shortfall' note.
 */
export interface CreditsClawbackShortfall extends CreditAccountEventBase {
  readonly type: 'CreditsClawbackShortfall';
  readonly grantId: string;
  readonly claimed: number;
  readonly revoked: number;
  readonly shortfall: number;
}
