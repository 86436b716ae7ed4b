/**
 * Who the customer is at the payment gateway. The implementation reads the local projection of
 * PaymentGatewayLinked events and falls back to the customer service's GetCustomer over gRPC.
 */
export interface CustomerDirectory {
  /** The gateway customer id (cus_…), or undefined when the customer is not linked (yet). */
  gatewayCustomerIdOf(customerId: string): Promise<string | undefined>;
}
