/**
 * Fields every customer domain event carries. customerId is the outbox aggregate id (the Kafka key); the outbox
 * writer assigns event ids. Domain events stay inside the customer service; integration events are mapped from them.
 */
export interface CustomerEventBase {
  readonly customerId: string;
  /** Carried on every event so consumers keyed by the platform's account need no lookup. */
  readonly externalAccountId: string;
  readonly occurredAt: Date;
}
