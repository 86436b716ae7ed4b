export interface GetCustomerQuery {
  readonly customerId: string;
}
