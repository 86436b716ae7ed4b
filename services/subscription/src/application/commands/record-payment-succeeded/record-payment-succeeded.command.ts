/** PaymentSucceeded with purpose SUBSCRIPTION_PERIOD: `periodIndex` of `subscriptionId` (its referenceId) is paid. */
export interface RecordPaymentSucceededCommand {
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
  /** What the payment took: it must be what the period was charged at before anything is granted. */
  readonly amount: number;
  readonly currency: string;
}
