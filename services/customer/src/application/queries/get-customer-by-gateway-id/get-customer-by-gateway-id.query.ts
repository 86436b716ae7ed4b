/** Which of our customers a gateway customer belongs to, e.g. for a gateway webhook that names only the gateway's id. */
export interface GetCustomerByGatewayIdQuery {
  readonly gateway: string;
  readonly gatewayCustomerId: string;
}
