import type { CreditAccountEventBase } from './credit-account-event.base';

export type ReservationReleaseReason = 'released' | 'expired';

export interface ReservationReleased extends CreditAccountEventBase {
  readonly type: 'ReservationReleased';
  readonly reservationId: string;
  readonly released: number;
  /** 'released' on request, 'expired' when the hold outlived its TTL. */
  readonly reason: ReservationReleaseReason;
}
