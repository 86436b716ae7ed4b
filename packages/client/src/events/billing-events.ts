import type { IntegrationEvents, IntegrationEventType } from '../../../platform/src/contracts/integration-events.generated';

export type * from '../../../platform/src/contracts/integration-events.generated';

/** The name of an event the platform publishes, e.g. `CreditBalanceLow` (docs/event-catalogue.md). */
export type BillingEventName = IntegrationEventType;

/** One consumed event, its payload typed by its name (generated from schemas/). */
export interface BillingEvent<Name extends BillingEventName = BillingEventName> {
  eventId: string;
  eventType: Name;
  payload: IntegrationEvents[Name];
  /** ISO-8601, when the platform recorded it. */
  occurredAt: string | undefined;
  correlationId: string;
  causationId: string | undefined;
  topic: string;
  partition: number;
  offset: string;
  /** The aggregate id (events of one aggregate arrive in order). */
  key: string | undefined;
}

/** A statement runner inside the inbox transaction: what a handler writes through it commits with the inbox row. */
export interface InboxTransaction {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * One handler per event name. `tx` is the inbox transaction when `inbox` is configured (write your effects through it
 * for exactly-once effects), undefined otherwise (at-least-once: make the handler idempotent).
 */
export type BillingEventHandlers = {
  [Name in BillingEventName]?: (event: BillingEvent<Name>, tx: InboxTransaction | undefined) => Promise<void>;
};
