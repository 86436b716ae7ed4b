import type { CustomerDeactivated } from './customer-deactivated.domain-event';
import type { CustomerRegistered } from './customer-registered.domain-event';
import type { CustomerUpdated } from './customer-updated.domain-event';
import type { PaymentGatewayLinked } from './payment-gateway-linked.domain-event';

export type { CustomerEventBase } from './customer-event.base';
export type { UpdatableCustomerField } from './customer-updated.domain-event';
export type { CustomerDeactivated, CustomerRegistered, CustomerUpdated, PaymentGatewayLinked };

/** Everything a Customer can record, discriminated on `type`; switch on it with a `never` default. */
export type CustomerEvent = CustomerRegistered | CustomerUpdated | PaymentGatewayLinked | CustomerDeactivated;

export type CustomerEventType = CustomerEvent['type'];

/** Narrows a union member by its type, e.g. `CustomerEventOfType<'PaymentGatewayLinked'>`. */
export type CustomerEventOfType<T extends CustomerEventType> = Extract<CustomerEvent, { type: T }>;
