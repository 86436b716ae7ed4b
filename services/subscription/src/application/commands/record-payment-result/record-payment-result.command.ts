/**
 * A payment result from billing.payment.v1 for one of this service's charges: period `periodIndex`'s charge, or the
 * charge of upgrade `changeId` (made within period `periodIndex`).
 */
export interface RecordPaymentResultCommand {
  /** The integration event's id: one result per event. */
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
  /** The upgrade the charge was for; null for a period's charge. */
  readonly changeId: string | null;
  readonly result:
    | { readonly outcome: 'succeeded'; readonly amount: number; readonly currency: string }
    | { readonly outcome: 'failed'; readonly attempt: number; readonly reason: string | null };
}
