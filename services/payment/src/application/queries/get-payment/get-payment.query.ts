/** GET /v1/payments/{paymentId}: status and, while the customer can act, the client secret for Stripe.js. */
export interface GetPayment {
  readonly paymentId: string;
}
