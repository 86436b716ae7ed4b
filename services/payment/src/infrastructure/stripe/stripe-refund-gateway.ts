import Stripe from 'stripe';
import type { CreateRefundRequest, GatewayRefund, RefundGateway } from '../../application/ports/refund-gateway.port';
import { PaymentGatewayUnavailableError, PaymentNotRefundableError, RefundExceedsPaymentError } from '../../application/ports/refund-gateway.port';
import { isTransient, PaymentGatewayRejectedError } from './stripe-payment-gateway';
import { metadataOf } from './stripe-snapshots';

const refundOf = (refund: Stripe.Refund): GatewayRefund => ({
  id: refund.id,
  amount: refund.amount,
  currency: refund.currency,
  status: (refund.status ?? 'pending') as GatewayRefund['status'],
  metadata: metadataOf(refund.metadata),
});

/**
 * RefundGateway over the Stripe SDK. Stripe's own refusals of a refund that our count let through (another refund
 * landed in between) keep their meaning: amount_too_large → REFUND_EXCEEDS_PAYMENT, charge_already_refunded →
 * PAYMENT_NOT_REFUNDABLE.
 */
export class StripeRefundGateway implements RefundGateway {
  constructor(private readonly stripe: Stripe) {}

  async refundsOf(paymentIntentId: string): Promise<GatewayRefund[]> {
    try {
      const refunds: GatewayRefund[] = [];
      for await (const refund of this.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 })) refunds.push(refundOf(refund));
      return refunds;
    } catch (error) {
      throw this.translated('listRefunds', error);
    }
  }

  async createRefund(request: CreateRefundRequest): Promise<GatewayRefund> {
    const params: Stripe.RefundCreateParams = {
      payment_intent: request.paymentIntentId,
      amount: request.amount,
      metadata: { ...request.metadata },
      ...(request.reason === undefined ? {} : { reason: request.reason }),
    };
    try {
      return refundOf(await this.stripe.refunds.create(params, { idempotencyKey: request.idempotencyKey }));
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError) {
        const paymentId = request.metadata.paymentId ?? request.paymentIntentId;
        if (error.code === 'amount_too_large') throw new RefundExceedsPaymentError(paymentId, request.amount, null);
        if (error.code === 'charge_already_refunded') throw new PaymentNotRefundableError(paymentId, 'fully_refunded', 'succeeded');
      }
      throw this.translated('createRefund', error);
    }
  }

  private translated(operation: string, error: unknown): unknown {
    if (isTransient(error)) return new PaymentGatewayUnavailableError(operation, error);
    if (error instanceof Stripe.errors.StripeError) return new PaymentGatewayRejectedError(operation, error);
    return error;
  }
}
