import type { CreditAccountEventBase } from './credit-account-event.base';

/** A hold outlived its TTL: its credits are no longer held (those on a grant that has meanwhile closed are written off). */
export interface ReservationExpired extends CreditAccountEventBase {
  readonly type: 'ReservationExpired';
  readonly reservationId: string;
  /** What the hold held. */
  readonly amount: number;
}
