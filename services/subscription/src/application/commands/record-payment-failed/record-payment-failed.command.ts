/** PaymentFailed with purpose SUBSCRIPTION_PERIOD: charge `attempt` for `periodIndex` failed. */
export interface RecordPaymentFailedCommand {
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
  readonly attempt: number;
}
