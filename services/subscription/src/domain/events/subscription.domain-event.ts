import type { SubscriptionActivated } from './subscription-activated.domain-event';
import type { SubscriptionCanceled } from './subscription-canceled.domain-event';
import type { SubscriptionCreated } from './subscription-created.domain-event';
import type { SubscriptionPastDue } from './subscription-past-due.domain-event';
import type { SubscriptionPlanChanged } from './subscription-plan-changed.domain-event';
import type { SubscriptionRenewalDue } from './subscription-renewal-due.domain-event';
import type { SubscriptionRenewed } from './subscription-renewed.domain-event';
import type { SubscriptionUpgradeFailed } from './subscription-upgrade-failed.domain-event';
import type { SubscriptionUpgradeRequested } from './subscription-upgrade-requested.domain-event';

export type { SubscriptionEventBase } from './subscription-event-base';
export type {
  SubscriptionActivated,
  SubscriptionCanceled,
  SubscriptionCreated,
  SubscriptionPastDue,
  SubscriptionPlanChanged,
  SubscriptionRenewalDue,
  SubscriptionRenewed,
  SubscriptionUpgradeFailed,
  SubscriptionUpgradeRequested,
};

/** Internal domain events, discriminated on `type`; the Avro integration events are mapped from these in one place. */
export type SubscriptionDomainEvent =
  | SubscriptionCreated
  | SubscriptionActivated
  | SubscriptionRenewalDue
  | SubscriptionRenewed
  | SubscriptionPastDue
  | SubscriptionCanceled
  | SubscriptionPlanChanged
  | SubscriptionUpgradeRequested
  | SubscriptionUpgradeFailed;

export type SubscriptionDomainEventType = SubscriptionDomainEvent['type'];

export const SUBSCRIPTION_DOMAIN_EVENT_TYPES = [
  'SubscriptionCreated',
  'SubscriptionActivated',
  'SubscriptionRenewalDue',
  'SubscriptionRenewed',
  'SubscriptionPastDue',
  'SubscriptionCanceled',
  'SubscriptionPlanChanged',
  'SubscriptionUpgradeRequested',
  'SubscriptionUpgradeFailed',
] as const satisfies readonly SubscriptionDomainEventType[];

// Compile-time proof that the list above names every event type.
type MissingEventType = Exclude<SubscriptionDomainEventType, (typeof SUBSCRIPTION_DOMAIN_EVENT_TYPES)[number]>;
const everyEventTypeListed: [MissingEventType] extends [never] ? true : false = true;
void everyEventTypeListed;
