import type { PaymentCanceled } from './payment-canceled.domain-event';
import type { PaymentCreated } from './payment-created.domain-event';
import type { PaymentDisputeClosed } from './payment-dispute-closed.domain-event';
import type { PaymentDisputed } from './payment-disputed.domain-event';
import type { PaymentFailed } from './payment-failed.domain-event';
import type { PaymentRefunded } from './payment-refunded.domain-event';
import type { PaymentRetried } from './payment-retried.domain-event';
import type { PaymentSucceeded } from './payment-succeeded.domain-event';

export type { IntentEventBase, PaymentEventBase } from './payment-event.base';
export type {
  PaymentCanceled,
  PaymentCreated,
  PaymentDisputeClosed,
  PaymentDisputed,
  PaymentFailed,
  PaymentRefunded,
  PaymentRetried,
  PaymentSucceeded,
};

/**
 * Everything a Payment can record, discriminated on `type`; switch on it with a `never` default.
 * PaymentCreated and PaymentRetried are internal; the others map to integration events (DESIGN.md §4).
 */
export type PaymentEvent =
  | PaymentCreated
  | PaymentSucceeded
  | PaymentFailed
  | PaymentCanceled
  | PaymentRetried
  | PaymentRefunded
  | PaymentDisputed
  | PaymentDisputeClosed;

export type PaymentEventType = PaymentEvent['type'];

/** Narrows a union member by its type, e.g. `PaymentEventOfType<'PaymentSucceeded'>`. */
export type PaymentEventOfType<T extends PaymentEventType> = Extract<PaymentEvent, { type: T }>;
