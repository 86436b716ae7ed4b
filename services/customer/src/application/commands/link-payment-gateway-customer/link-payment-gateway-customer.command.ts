/**
 * Link a customer to a gateway customer that already exists (e.g. one created in the gateway's dashboard, or during
 * a migration). Registration links its own gateway customer; this command is for the cases it did not create.
 */
export interface LinkPaymentGatewayCustomerCommand {
  readonly customerId: string;
  readonly gateway: string;
  readonly gatewayCustomerId: string;
}
