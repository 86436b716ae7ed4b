/** PaymentSucceeded / PaymentFailed with purpose SUBSCRIPTION_UPGRADE: the charge of upgrade `changeId`. */
export interface RecordUpgradePaymentCommand {
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
  readonly changeId: string;
  readonly result: { readonly outcome: 'succeeded'; readonly amount: number; readonly currency: string } | { readonly outcome: 'failed'; readonly reason: string | null };
}
