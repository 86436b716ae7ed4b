import { isUuid } from '../../../domain/domain-guards';
import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { PaymentNotFoundError } from '../../application.errors';
import {
  type GatewayRefund,
  PaymentNotRefundableError,
  type RefundGateway,
  RefundExceedsPaymentError,
} from '../../ports/refund-gateway.port';
import type { RefundPayment } from './refund-payment.command';

export interface RefundRequested {
  readonly refundId: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: GatewayRefund['status'];
  /** The customer the payment belongs to (for the caller's scope check and logs). */
  readonly customerId: string;
}

/** Refunds that count against what is left: the gateway counts pending ones in amount_refunded too. */
const COUNTED = new Set<GatewayRefund['status']>(['pending', 'requires_action', 'succeeded']);

/**
 * Asks the gateway to refund a succeeded payment. Nothing is recorded here: the refund's money effect (the payment's
 * refunds, PaymentRefunded, the credit clawback) follows the gateway's charge.refunded webhook, as for a refund made
 * in the gateway's dashboard.
 *
 * What is still refundable is counted from the gateway's own refund list (refunds requested but not yet seen by
 * webhook included), so two refunds in quick succession cannot exceed the payment. A refund already made for this
 * request key (an earlier attempt whose answer was lost) is answered as is, never made twice.
 */
export class RefundPaymentHandler {
  constructor(private readonly deps: { payments: PaymentRepository; refunds: RefundGateway }) {}

  async execute(command: RefundPayment): Promise<RefundRequested> {
    const payment = isUuid(command.paymentId) ? await this.deps.payments.findById(command.paymentId.toLowerCase()) : null;
    if (payment === null) throw new PaymentNotFoundError(command.paymentId);
    const intentId = payment.gatewayPaymentIntentId;
    if (payment.status !== 'succeeded' || intentId === null) throw new PaymentNotRefundableError(payment.paymentId, 'not_succeeded', payment.status);

    const answer = (refund: GatewayRefund): RefundRequested => ({
      refundId: refund.id,
      paymentId: payment.paymentId,
      amount: refund.amount,
      currency: payment.currency,
      status: refund.status,
      customerId: payment.customerId,
    });
    const existing = await this.deps.refunds.refundsOf(intentId);
    const earlier = existing.find((refund) => refund.metadata.refundRequest === command.requestKey);
    if (earlier !== undefined) return answer(earlier);

    const requested = existing.filter((refund) => COUNTED.has(refund.status)).reduce((sum, refund) => sum + refund.amount, 0);
    const refundable = payment.amount - Math.max(requested, payment.totalRefunded);
    if (refundable <= 0) throw new PaymentNotRefundableError(payment.paymentId, 'fully_refunded', payment.status);
    const amount = command.amount ?? refundable;
    if (amount > refundable) throw new RefundExceedsPaymentError(payment.paymentId, amount, refundable);

    const refund = await this.deps.refunds.createRefund({
      idempotencyKey: command.requestKey,
      paymentIntentId: intentId,
      amount,
      currency: payment.currency,
      ...(command.reason === undefined ? {} : { reason: command.reason }),
      metadata: { paymentId: payment.paymentId, refundRequest: command.requestKey, ...(command.actor === null ? {} : { actor: command.actor }) },
    });
    return answer(refund);
  }
}
