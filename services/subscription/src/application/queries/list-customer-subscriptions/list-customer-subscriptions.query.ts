export interface ListCustomerSubscriptionsQuery {
  readonly customerId: string;
  /** 1..100, default 50. */
  readonly limit?: number;
  /** A nextCursor of this customer's list; the first page when omitted. */
  readonly cursor?: string;
}
