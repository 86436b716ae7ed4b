/** PaymentGatewayLinked, consumed from billing.customer.v1. */
export interface RecordGatewayLink {
  readonly customerId: string;
  readonly gateway: string;
  readonly gatewayCustomerId: string;
  /** ISO 8601 as published; unreadable → the time it is recorded. */
  readonly linkedAt: string;
}
