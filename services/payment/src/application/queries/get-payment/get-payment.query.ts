/** GET /v1/payments/{paymentId}: status and, while the customer can act, the client secret for Stripe.js. */
export interface GetPayment {
  readonly paymentId: string;
  /** Set when the caller's token is scoped to one customer: another customer's payment is reported as not found. */
  readonly customerId?: string;
}
