import type { CreditAccountEventBase } from './credit-account-event.base';

export interface CreditsReserved extends CreditAccountEventBase {
  readonly type: 'CreditsReserved';
  readonly reservationId: string;
  readonly amount: number;
  readonly expiresAt: Date;
}
