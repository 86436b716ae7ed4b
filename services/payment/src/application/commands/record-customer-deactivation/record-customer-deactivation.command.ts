/** CustomerDeactivated, consumed from billing.customer.v1. */
export interface RecordCustomerDeactivation {
  readonly customerId: string;
  /** ISO 8601 as published; unreadable → the time it is recorded. */
  readonly deactivatedAt: string;
}
