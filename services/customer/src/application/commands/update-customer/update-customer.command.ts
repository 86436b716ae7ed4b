/** Change a customer's profile. Omitted fields stay as they are; `name: null` clears the name. */
export interface UpdateCustomerCommand {
  readonly customerId: string;
  readonly email?: string;
  readonly name?: string | null;
  readonly defaultCurrency?: string;
}
