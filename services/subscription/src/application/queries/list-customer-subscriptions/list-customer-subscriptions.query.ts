export interface ListCustomerSubscriptionsQuery {
  readonly customerId: string;
  /** 1..100, default 50. */
  readonly limit?: number;
}
