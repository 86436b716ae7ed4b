import type { GrantPart } from '../reservation.entity';
import type { CreditAccountEventBase } from './credit-account-event.base';

export interface CreditsRefunded extends CreditAccountEventBase {
  readonly type: 'CreditsRefunded';
  readonly reservationId: string;
  readonly amount: number;
  /** Which grants got the credits back, in reverse burn order. */
  readonly grants: readonly GrantPart[];
}
