import type { CreditAccountEventBase } from './credit-account-event.base';

/** A hold given back on request. One that outlived its TTL records ReservationExpired instead. */
export interface ReservationReleased extends CreditAccountEventBase {
  readonly type: 'ReservationReleased';
  readonly reservationId: string;
  readonly released: number;
}
