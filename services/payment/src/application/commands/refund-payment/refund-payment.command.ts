import type { RefundReason } from '../../ports/refund-gateway.port';

/** POST /v1/payments/{paymentId}/refunds. */
export interface RefundPayment {
  readonly paymentId: string;
  /** Minor units; omitted: everything still refundable. */
  readonly amount?: number;
  readonly reason?: RefundReason;
  /** Derived from the caller's Idempotency-Key: the gateway's idempotency key and the refund's metadata.refundRequest. */
  readonly requestKey: string;
  /** Who asked (Billing-Actor), kept in the refund's metadata. */
  readonly actor: string | null;
}
