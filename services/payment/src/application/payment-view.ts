import type { DisputeStatus } from '../domain/dispute-status';
import type { Currency } from '../domain/money.value-object';
import type { Payment } from '../domain/payment.aggregate';
import type { PaymentReference } from '../domain/payment-reference.value-object';
import type { PaymentStatus } from '../domain/payment-status';

/** What use cases hand back about a payment; plain data, safe to serialise. */
export interface PaymentView {
  readonly paymentId: string;
  readonly customerId: string;
  readonly reference: PaymentReference;
  readonly amount: number;
  readonly currency: Currency;
  readonly status: PaymentStatus;
  readonly attempt: number;
  readonly offSession: boolean;
  readonly gatewayPaymentIntentId: string | null;
  /**
   * For Stripe.js in the browser, only while the customer can still act: `requires_payment_method`, or `failed` on
   * an on-session intent (they may try another card). null otherwise, and always null off-session.
   */
  readonly clientSecret: string | null;
  readonly failure: { readonly code: string; readonly declineCode: string | null; readonly message: string; readonly attempt: number } | null;
  readonly totalRefunded: number;
  /** Every refund the gateway reported, oldest first. */
  readonly refunds: readonly { readonly refundId: string; readonly amount: number; readonly recordedAt: string }[];
  /** Every dispute of the payment's charge, oldest first: open ones have closedAt null. */
  readonly disputes: readonly DisputeView[];
}

export interface DisputeView {
  readonly disputeId: string;
  readonly status: DisputeStatus;
  /** Minor units of the payment's currency. */
  readonly amount: number;
  /** When the gateway reported it opened / closed (ISO 8601). */
  readonly openedAt: string;
  readonly closedAt: string | null;
}

export function toPaymentView(payment: Payment): PaymentView {
  const customerCanAct = !payment.offSession && (payment.status === 'requires_payment_method' || payment.canRetry);
  const failure = payment.failure;
  return {
    paymentId: payment.paymentId,
    customerId: payment.customerId,
    reference: payment.reference,
    amount: payment.amount,
    currency: payment.currency,
    status: payment.status,
    attempt: payment.attempt,
    offSession: payment.offSession,
    gatewayPaymentIntentId: payment.gatewayPaymentIntentId,
    clientSecret: customerCanAct ? payment.clientSecret : null,
    failure: failure === null ? null : { code: failure.code, declineCode: failure.declineCode, message: failure.message, attempt: failure.attempt },
    totalRefunded: payment.totalRefunded,
    refunds: payment.refunds.map((refund) => ({ refundId: refund.refundId, amount: refund.amount, recordedAt: refund.recordedAt.toISOString() })),
    disputes: payment.disputes.map((dispute) => ({
      disputeId: dispute.disputeId,
      status: dispute.status,
      amount: dispute.amount,
      openedAt: dispute.openedAt.toISOString(),
      closedAt: dispute.closedAt === null ? null : dispute.closedAt.toISOString(),
    })),
  };
}
