export interface DeactivateCustomerCommand {
  readonly customerId: string;
}
