/**
 * Fields every credit domain event carries. accountId is the outbox aggregate id (the Kafka key); the outbox writer
 * assigns event ids. Domain events stay inside the credit service; integration events are mapped from them.
 */
export interface CreditAccountEventBase {
  readonly accountId: string;
  readonly customerId: string;
  readonly occurredAt: Date;
}
