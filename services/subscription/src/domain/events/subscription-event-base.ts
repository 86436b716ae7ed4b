/**
 * Fields every subscription event carries: consumers key and route by subscription and customer, and
 * `occurredAt` is the `now` of the command that caused it (the domain never reads a clock).
 */
export interface SubscriptionEventBase {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly occurredAt: Date;
}
