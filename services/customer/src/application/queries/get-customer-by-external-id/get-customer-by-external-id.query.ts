export interface GetCustomerByExternalIdQuery {
  readonly externalAccountId: string;
}
