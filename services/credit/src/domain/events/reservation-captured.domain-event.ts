import type { CreditAccountEventBase } from './credit-account-event.base';

/** captured + released = the amount that was held. */
export interface ReservationCaptured extends CreditAccountEventBase {
  readonly type: 'ReservationCaptured';
  readonly reservationId: string;
  readonly captured: number;
  readonly released: number;
}
