/**
 * Who the customer is at the payment gateway. The implementation reads the local projection of
 * PaymentGatewayLinked events and falls back to the customer service's GetCustomer over gRPC.
 */
export interface CustomerDirectory {
  /** The gateway customer id (cus_…), or undefined when the customer is not linked (yet). */
  gatewayCustomerIdOf(customerId: string): Promise<string | undefined>;
  /**
   * Whether the customer was deactivated, as far as this service has seen (CustomerDeactivated events, or the customer
   * service's answer when the customer was looked up there).
   */
  isDeactivated(customerId: string): Promise<boolean>;
}
