/** PaymentSucceeded with purpose SUBSCRIPTION_PERIOD: `periodIndex` of `subscriptionId` (its referenceId) is paid. */
export interface RecordPaymentSucceededCommand {
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
}
