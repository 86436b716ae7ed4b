/** Register a customer of the platform. Validated by the Customer aggregate; see RegisterCustomerProps. */
export interface RegisterCustomerCommand {
  readonly externalAccountId: string;
  readonly email: string;
  readonly name?: string | null;
  readonly defaultCurrency: string;
}
