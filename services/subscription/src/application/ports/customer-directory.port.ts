/** What this service knows of a customer, projected from billing.customer.v1. */
export interface KnownCustomer {
  readonly customerId: string;
  /** ISO 4217 code, upper case. */
  readonly defaultCurrency: string;
  /** When the customer service recorded this version of the customer. */
  readonly occurredAt: Date;
}

/**
 * The local projection of the customer context. `record` keeps the newest version by `occurredAt`, so an older
 * event delivered late never overwrites a newer one; it returns whether the projection changed.
 */
export interface CustomerDirectory {
  find(customerId: string): Promise<KnownCustomer | null>;
  record(customer: KnownCustomer): Promise<boolean>;
}
