import type { PaidAmount } from '../../domain/subscription.aggregate';

export type PaymentOutcome = 'succeeded' | 'failed';

/** A payment result as it arrived from billing.payment.v1, for one subscription period. */
export interface PaymentResult {
  /** The integration event's id: one result per event. */
  readonly eventId: string;
  readonly paymentId: string;
  readonly subscriptionId: string;
  readonly periodIndex: number;
  readonly outcome: PaymentOutcome;
  /** The charge attempt that failed (failures only). */
  readonly attempt: number | null;
  readonly receivedAt: Date;
  /** What a success took, checked against the amount asked; null for failures. */
  readonly paid: PaidAmount | null;
}

/**
 * Payment results that could not be applied when they arrived. A result for a period the subscription has not asked
 * for yet (PERIOD_NOT_DUE) is held and applied by the scheduler once that period is due; a result the subscription
 * refuses for good (money for an ended subscription) is kept as refused, for an operator or a refund. Nothing is
 * dropped, and the consumer does not retry or dead-letter a result that is merely early.
 */
export interface HeldPaymentResults {
  /** Keeps the result (once per event id). */
  hold(result: PaymentResult): Promise<void>;
  /** Records a result that was refused on arrival, with the refusal's code. */
  refuse(result: PaymentResult, code: string, at: Date): Promise<void>;
  /** The held results of this subscription for periods ≤ `upToPeriodIndex`, oldest period first. */
  heldFor(subscriptionId: string, upToPeriodIndex: number): Promise<PaymentResult[]>;
  markApplied(eventId: string, at: Date): Promise<void>;
  markRefused(eventId: string, code: string, at: Date): Promise<void>;
}
