import { randomUUID } from 'node:crypto';
import type { MessageContext, OutboxMessage } from '@billing/platform';
import type {
  CustomerDeactivated,
  CustomerRegistered,
  CustomerUpdated,
  IntegrationEvents,
  PaymentGatewayLinked,
} from '@billing/platform/contracts';
import type { CustomerEvent } from '../domain/events/customer.domain-event';

/** Outbox aggregate type of every customer event; the aggregate id (the customer id) is the Kafka key. */
export const CUSTOMER_AGGREGATE = 'Customer';
/** Where the relay publishes them (the schemas' namespace). */
export const CUSTOMER_TOPIC = 'billing.customer.v1';

type Payload<T extends CustomerEvent['type']> = T extends keyof IntegrationEvents ? IntegrationEvents[T] : never;

/**
 * The one place domain events become integration events (schemas/customer/*.avsc). Domain events stay inside the
 * service; what leaves is this mapping, so a domain refactoring cannot change the contract by accident.
 */
export function toIntegrationPayload(event: CustomerEvent): Payload<CustomerEvent['type']> {
  const base = { customerId: event.customerId, externalAccountId: event.externalAccountId, occurredAt: event.occurredAt.toISOString() };
  switch (event.type) {
    case 'CustomerRegistered':
      return { ...base, email: event.email, name: event.name, defaultCurrency: event.defaultCurrency } satisfies CustomerRegistered;
    case 'CustomerUpdated':
      // changedFields stays internal: the contract carries the whole profile after the change.
      return { ...base, email: event.email, name: event.name, defaultCurrency: event.defaultCurrency } satisfies CustomerUpdated;
    case 'PaymentGatewayLinked':
      return { ...base, gateway: event.gateway, gatewayCustomerId: event.gatewayCustomerId } satisfies PaymentGatewayLinked;
    case 'CustomerDeactivated':
      return base satisfies CustomerDeactivated;
    default: {
      const unhandled: never = event;
      throw new Error(`no integration event for ${(unhandled as CustomerEvent).type}`);
    }
  }
}

export function toOutboxMessages(events: readonly CustomerEvent[], context: MessageContext): OutboxMessage[] {
  return events.map((event) => ({
    eventId: randomUUID(),
    eventType: event.type,
    aggregateType: CUSTOMER_AGGREGATE,
    aggregateId: event.customerId,
    payload: toIntegrationPayload(event) as unknown as Record<string, unknown>,
    context,
    occurredAt: event.occurredAt,
  }));
}
