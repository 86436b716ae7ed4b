import type { CreditAccountOpened } from './credit-account-opened.domain-event';
import type { CreditBalanceLow } from './credit-balance-low.domain-event';
import type { CreditBalanceRecovered } from './credit-balance-recovered.domain-event';
import type { CreditsClawbackShortfall } from './credits-clawback-shortfall.domain-event';
import type { CreditsExpired } from './credits-expired.domain-event';
import type { CreditsGranted } from './credits-granted.domain-event';
import type { CreditsRefunded } from './credits-refunded.domain-event';
import type { CreditsReserved } from './credits-reserved.domain-event';
import type { CreditsRevoked } from './credits-revoked.domain-event';
import type { ReservationCaptured } from './reservation-captured.domain-event';
import type { ReservationExpired } from './reservation-expired.domain-event';
import type { ReservationReleased } from './reservation-released.domain-event';

export type { CreditAccountEventBase } from './credit-account-event.base';
export type {
  CreditAccountOpened,
  CreditBalanceLow,
  CreditBalanceRecovered,
  CreditsClawbackShortfall,
  CreditsExpired,
  CreditsGranted,
  CreditsRefunded,
  CreditsReserved,
  CreditsRevoked,
  ReservationCaptured,
  ReservationExpired,
  ReservationReleased,
};

/** Everything a CreditAccount can record, discriminated on `type`; switch on it with a `never` default. */
export type CreditAccountEvent =
  | CreditAccountOpened
  | CreditsGranted
  | CreditsReserved
  | ReservationCaptured
  | ReservationReleased
  | ReservationExpired
  | CreditsRefunded
  | CreditsExpired
  | CreditsRevoked
  | CreditsClawbackShortfall
  | CreditBalanceLow
  | CreditBalanceRecovered;

export type CreditAccountEventType = CreditAccountEvent['type'];

/** Narrows a union member by its type, e.g. `EventOfType<'CreditsGranted'>`. */
export type EventOfType<T extends CreditAccountEventType> = Extract<CreditAccountEvent, { type: T }>;
