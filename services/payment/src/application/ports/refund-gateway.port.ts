import type { Currency } from '../../domain/money.value-object';
import type { GatewayMetadata } from './payment-gateway.port';

export { PaymentGatewayUnavailableError, PaymentNotRefundableError, RefundExceedsPaymentError } from '../application.errors';

export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

/** A refund as the gateway reports it. */
export interface GatewayRefund {
  /** re_… */
  readonly id: string;
  /** Minor units. */
  readonly amount: number;
  /** As the gateway spells it (Stripe: lower case). */
  readonly currency: string;
  readonly status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  readonly metadata: GatewayMetadata;
}

export interface CreateRefundRequest {
  /** Gateway idempotency key: a retry with the same key never refunds twice. */
  readonly idempotencyKey: string;
  readonly paymentIntentId: string;
  readonly amount: number;
  readonly currency: Currency;
  readonly reason?: RefundReason;
  /** Stored with the refund: paymentId, refundRequest (our request key), actor. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Refunds at the gateway, seen from the use cases.
 *
 * refundsOf: every refund of the intent's charge, in any status. createRefund: same idempotencyKey and parameters →
 * the same refund. The gateway refusing the amount (more than unrefunded) → RefundExceedsPaymentError; nothing left to
 * refund → PaymentNotRefundableError; network errors, 5xx, 429, 409 → PaymentGatewayUnavailableError; anything else is
 * thrown as a rejection (a bug).
 */
export interface RefundGateway {
  refundsOf(paymentIntentId: string): Promise<GatewayRefund[]>;
  createRefund(request: CreateRefundRequest): Promise<GatewayRefund>;
}
