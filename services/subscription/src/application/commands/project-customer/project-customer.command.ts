/** CustomerRegistered or CustomerUpdated from billing.customer.v1, as far as this service needs it. */
export interface ProjectCustomerCommand {
  readonly customerId: string;
  readonly defaultCurrency: string;
  readonly occurredAt: Date;
}
